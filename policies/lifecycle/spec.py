"""The lifecycle as one table: per stage, its next stages and their gates, what entering it does.

Each entry says, for one stage:
- `next`: the stages a policy may move to from it, each with the gates guarding that move (all must
  pass; a refusal lists every failed one);
- `effects`: what entering the stage changes inside the transition's own transaction (`advance()`
  applies them, in order, before it commits);
- `opens_cycle` and `reason_refusal`: entering it starts the next cycle / needs a reason;
- `notices`: the steps that tell people about the transition, run by `advance()` inside the
  transition's own transaction (the outbox takes them with the stage change, so each transition's
  notices are queued exactly once, whatever happens to the policy or to Prefect afterwards);
- `entry_work`: the ordered steps its flow runs once the transition has committed, each one
  idempotent domain action (`flows/stages.py` makes a Prefect task of each, named after it). Each
  step runs whatever the policy's stage by then; only a step that became truly obsolete is retired,
  and the event records which and why (`stagework.run_step`).

Adding a step to a stage's entry work is one `Step(...)` line here; adding a gate is writing it in
`gates.py` and naming it on the moves it guards.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from sqlmodel import Session

from policies.consultation.windows import close_open_windows
from policies.drafting import revision
from policies.evaluation.followup import notes as followup_notes
from policies.lifecycle import entry_work as work
from policies.lifecycle import gates as g
from policies.lifecycle.gates import Gate
from policies.lifecycle.models import Policy, Stage

S = Stage
# What a step may ask for besides the session; it receives those its action names.
STEP_INPUTS = frozenset({"slug", "event_id", "now"})


class Effect(Protocol):
    """A change made inside the transition's transaction when a policy enters a stage."""

    def __call__(self, session: Session, *, policy: Policy, now: datetime) -> object:
        """Apply the change (flush only: the caller's unit of work commits)."""
        ...


@dataclass(frozen=True)
class Step:
    """One step of a stage's entry work: a named, idempotent domain action saying what it did.

    `lapses`: the step prepares the stage's own activity (a working draft, a survey round, its
    invitations), which a withdrawn policy will never have: once withdrawn, the step is obsolete.
    """

    name: str
    action: Callable[..., str]
    lapses: bool = False
    inputs: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        """Read which of the slug, the stage event and the clock the action takes."""
        takes = frozenset(inspect.signature(self.action).parameters) & STEP_INPUTS
        object.__setattr__(self, "inputs", takes)

    def run(self, session: Session, *, slug: str, event_id: int, now: datetime) -> str:
        """Run the action with the inputs it takes."""
        given = {"slug": slug, "event_id": event_id, "now": now}
        return self.action(session, **{k: v for k, v in given.items() if k in self.inputs})


@dataclass(frozen=True)
class WorkBounds:
    """How long a stage's run may wait for its process (Pending) and run (Running) before recovery.

    Past either, the dispatcher crashes the run and starts the work again (docs/recovery.md). A live
    run is kept alive by its heartbeats, so the bounds are backstops: generous, per the stage's work.
    """

    pending: timedelta = timedelta(minutes=10)
    running: timedelta = timedelta(minutes=30)


@dataclass(frozen=True)
class StageSpec:
    """What one stage is: where it leads and under which gates, what entering it does."""

    next: Mapping[Stage, tuple[Gate, ...]]
    entry_work: tuple[Step, ...]
    effects: tuple[Effect, ...] = ()
    notices: tuple[Step, ...] = ()
    opens_cycle: bool = False
    reason_refusal: tuple[str, str] | None = None  # the refusal (id, en) of a move without a reason
    bounds: WorkBounds = WorkBounds()


# In lifecycle order: the main road first, revision's ways back, withdrawal (the end) last. Revision
# leads back to drafting (a new text), to consultation (a substantive change needs the public again)
# or to socialization (a minor change is only re-adopted).
SPEC: dict[Stage, StageSpec] = {
    S.DRAFTING: StageSpec(
        next={S.WORKSHOP: (g.draft_exists,), S.WITHDRAWN: ()},
        entry_work=(Step("create-working-version", work.ensure_working_version, lapses=True),),
    ),
    S.WORKSHOP: StageSpec(
        next={
            S.CONSULTATION: (g.workshops_held, g.version_published, g.window_long_enough),
            S.WITHDRAWN: (),
        },
        notices=(Step("invite-workshop-participants", work.invite_workshop_participants),),
        entry_work=(Step("render-agenda", work.render_agenda),),
    ),
    S.CONSULTATION: StageSpec(
        next={
            S.SOCIALIZATION: (
                g.window_closed,
                g.every_comment_answered,
                g.every_acceptance_traced,
                g.report_published,
                g.adoption_recorded,
            ),
            S.WITHDRAWN: (),
        },
        notices=(
            Step("notify-stakeholders", work.notify_consultation_open),
            Step("schedule-closing-reminder", work.schedule_closing_reminder),
        ),
        entry_work=(
            # A withdrawn policy's consultation ended with it: its text is not frozen for one.
            Step("freeze-version", work.freeze_consultation_version, lapses=True),
            Step("render-consultation-document", work.render_consultation_document),
        ),
    ),
    S.SOCIALIZATION: StageSpec(
        next={S.EVALUATION: (g.socialization_held, g.reach_at_target), S.WITHDRAWN: ()},
        notices=(
            Step("notify-affected-units", work.notify_affected_units),
            Step("request-acknowledgements", work.request_acknowledgements),
        ),
        entry_work=(
            Step("render-adopted-text", work.render_adopted_text),
            Step("render-socialization-kit", work.render_socialization_kit),
        ),
    ),
    S.EVALUATION: StageSpec(
        next={S.REVISION: (g.evaluation_round_closed,), S.WITHDRAWN: ()},
        # Its notices name the survey round the flow opens, so they stay with it.
        # Inviting every respondent of a large population takes longest of all the stages' work.
        bounds=WorkBounds(running=timedelta(hours=1)),
        entry_work=(
            Step("open-survey-round", work.open_evaluation_round, lapses=True),
            Step("invite-respondents", work.invite_respondents, lapses=True),
            Step("notify-evaluation-opened", work.notify_evaluation_opened, lapses=True),
        ),
    ),
    S.REVISION: StageSpec(
        next={
            S.DRAFTING: (),
            S.CONSULTATION: (g.version_published, g.window_long_enough),
            S.SOCIALIZATION: (g.version_published, g.adoption_recorded),
            S.WITHDRAWN: (),
        },
        # Entering revision opens the next cycle: its drafts, windows and adoption are new.
        opens_cycle=True,
        # Its notice names the draft the flow starts, so it stays with it.
        entry_work=(
            Step("start-revision-draft", revision.start_revision_draft, lapses=True),
            Step("attach-revision-notes", revision.attach_revision_notes, lapses=True),
            Step("attach-recommendation-notes", work.attach_recommendation_notes, lapses=True),
            Step("attach-followup-notes", followup_notes.attach_followup_notes, lapses=True),
            Step("notify-revision-started", work.notify_revision_started, lapses=True),
        ),
    ),
    S.WITHDRAWN: StageSpec(
        next={},
        # A withdrawn policy takes no more comments: its consultation ends with it.
        effects=(close_open_windows,),
        reason_refusal=(
            "Pencabutan kebijakan wajib disertai alasan.",
            "Withdrawing a policy needs a reason.",
        ),
        notices=(
            Step("cancel-reminders", work.cancel_policy_reminders),
            Step("notify-withdrawal", work.notify_withdrawal),
        ),
        # A backstop: a reminder queued after the withdrawal's transaction by anything it could not
        # see (each step locks the policy row, so not a step of stage work) is cancelled by its flow.
        entry_work=(Step("cancel-late-reminders", work.cancel_policy_reminders),),
    ),
}


def spec_of(stage: Stage | str) -> StageSpec:
    """Return one stage's entry in the table."""
    return SPEC[Stage(stage)]
