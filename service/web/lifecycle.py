"""Pages of a policy's life: home, a policy, the drafters' board, the cockpit and advancing a stage."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Request
from starlette.responses import Response

from policies.accounts.access import require_owner, require_role
from policies.accounts.models import Role
from policies.consultation import queries as consultation_queries
from policies.consultation.clocks import clock_board
from policies.consultation.record import consultations
from policies.consultation.windows import is_open
from policies.core.db import utcnow
from policies.core.errors import (
    Conflict,
    DomainError,
    GatesNotMet,
    InvalidInput,
    TransitionNotAllowed,
)
from policies.core.settings import Settings
from policies.digest.preferences import is_following
from policies.drafting import notes, revision
from policies.drafting import queries as drafting_queries
from policies.drafting.reading import is_owner, visible_versions
from policies.evaluation.views import rounds_page
from policies.lifecycle import overview, queries
from policies.lifecycle.actions import advance, next_steps
from policies.lifecycle.models import Stage
from policies.lifecycle.stages import allowed_targets
from policies.lifecycle.timeline import past_cycles, timeline
from policies.rollout import queries as rollout_queries
from policies.rollout.actions import may_acknowledge
from policies.rollout.resocialization import what_to_read
from service.api.drafting import RevisionNoteIn
from service.api.lifecycle import AdvanceIn
from service.deps import SessionDep, SettingsDep
from service.dispatch import StageDispatch, run_ui_url
from service.problems import status_of
from service.web.confirm import ask_first, confirmed
from service.web.forms import PageForm, errors_on
from service.web.render import (
    FormDep,
    PageActorDep,
    PageReadSessionDep,
    PageRoute,
    gettext,
    locale_of,
    redirect,
    render,
    signed_in,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)


STAGE_VALUES = {s.value for s in Stage}
# Where the pages satisfy each gate: the address of each `where` of policies/lifecycle/gates.py.
SATISFY_PATHS: dict[str, str] = {
    "draft": "/policies/{slug}/edit",
    "workshops": "/policies/{slug}/workshops",
    "versions": "/policies/{slug}/cockpit#versions",
    "consultation": "/policies/{slug}/consultation",
    "triage": "/policies/{slug}/triage?undisposed=1",
    "changes": "/policies/{slug}/changes",
    "consultation_report": "/policies/{slug}/consultation/report",
    "adoption": "/policies/{slug}/adoption",
    "socialization": "/policies/{slug}/socialization",
    "evaluation_rounds": "/policies/{slug}/evaluation/rounds",
}


def satisfy_path(where: str, *, slug: str) -> str:
    """Return the page where a gate is satisfied ("" for a gate no page satisfies)."""
    path = SATISFY_PATHS.get(where, "")
    return path.format(slug=slug)


@router.get("/", name="home")
def home(request: Request, session: PageReadSessionDep, actor: PageActorDep, stage: str = "") -> Response:
    """Show what is open for comment, recently adopted, under evaluation, and every policy."""
    now = utcnow()
    chosen = Stage(stage) if stage in STAGE_VALUES else None
    return render(
        request,
        "web/home.html",
        {
            "open": overview.open_consultations(session, now=now),
            "adopted": overview.recently_adopted(session),
            "evaluating": overview.under_evaluation(session),
            "policies": overview.every_policy(session, stage=chosen),
            "stage_counts": overview.stage_counts(session),
            "chosen_stage": chosen.value if chosen else "",
        },
    )


@router.get("/policies/{slug}", name="policy")
def policy_page(slug: str, request: Request, session: PageReadSessionDep, actor: PageActorDep) -> Response:
    """Show a policy: kind, unit, its stage timeline and the adopted instrument."""
    policy = queries.get_policy(session, slug=slug)
    adoptions = rollout_queries.adoptions_of(session, policy_id=policy.id)  # type: ignore[arg-type]
    adoption = adoptions[-1] if adoptions else None
    acknowledged = bool(
        actor
        and actor.id
        and adoption
        and overview.has_acknowledged(session, policy_id=policy.id, account_id=actor.id)  # type: ignore[arg-type]
    )
    window = consultation_queries.current_window(session, policy=policy)
    history = queries.stage_history(session, policy_id=policy.id)  # type: ignore[arg-type]
    versions = drafting_queries.list_versions(session, policy_id=policy.id)  # type: ignore[arg-type]
    return render(
        request,
        "web/policy.html",
        {
            "policy": policy,
            "kind": queries.get_kind(session, kind_id=policy.kind_id),
            "timeline": timeline(policy, history=history),
            # Earlier cycles stay on the page: their stages, their reports and their comments.
            "past_cycles": past_cycles(policy, history=history),
            "consultations": consultations(session, policy=policy),
            "version_numbers": {v.id: v.number for v in versions},
            "next_stages": allowed_targets(from_stage=Stage(policy.stage)),
            "adoption": adoption,
            # A later cycle's instrument does not push an earlier one off the record.
            "earlier_adoptions": adoptions[:-1],
            "acknowledged": acknowledged,
            "may_acknowledge": may_acknowledge(actor),
            "to_read": (
                what_to_read(session, actor=actor, slug=slug)
                if adoption and may_acknowledge(actor) and actor and actor.id
                else None
            ),
            "following": is_following(session, actor=actor, slug=slug),
            "versions": visible_versions(versions, actor=actor, policy=policy),
            "is_owner": is_owner(actor, policy=policy),
            "window": window,
            "window_open": is_open(window, now=utcnow()),
            "history": history,
            "rounds": rounds_page(session, slug=slug),
        },
    )


@router.get("/board", name="board")
def board_page(request: Request, session: PageReadSessionDep, actor: PageActorDep) -> Response:
    """Show the unit's policies by stage, what blocks each, what is due soon and the answer clocks."""
    me = require_role(signed_in(actor), Role.DRAFTER, Role.MODERATOR, Role.EVALUATOR)
    now = utcnow()
    columns = overview.board(session, viewer=me, now=now)
    clocks = clock_board(session, unit=overview.board_unit(me), now=now)
    return render(request, "web/board.html", {"columns": columns, "unit": me.unit, "clocks": clocks})


def _cockpit_context(session: PageReadSessionDep, slug: str, settings: Settings) -> dict[str, object]:
    policy = queries.get_policy(session, slug=slug)
    history = queries.stage_history(session, policy_id=policy.id)  # type: ignore[arg-type]
    # Each run's state as the flow and the dispatcher recorded it: the page never waits on Prefect.
    states = {e.flow_run_id: e.flow_run_state for e in history if e.flow_run_id and e.flow_run_state}
    return {
        "policy": policy,
        "kind": queries.get_kind(session, kind_id=policy.kind_id),
        "steps": next_steps(session, policy=policy),
        "history": list(reversed(history)),
        "run_states": states,
        "run_url": lambda run_id: run_ui_url(settings=settings, flow_run_id=run_id),
        "versions": drafting_queries.list_versions(session, policy_id=policy.id),  # type: ignore[arg-type]
        "window": consultation_queries.current_window(session, policy=policy),
        # What this cycle's draft must consider: comments, workshop outcomes, the survey's reasons.
        "revision_notes": revision.notes_of(session, slug=slug, cycle=policy.cycle),
        "satisfy_path": lambda where: satisfy_path(where, slug=slug),
        # A note names its clause by its label ("Pasal 5"), never by the clause's key.
        "clause_headings": drafting_queries.clause_headings(session, policy_id=policy.id),  # type: ignore[arg-type]
        "refusal": None,
    }


@router.get("/policies/{slug}/cockpit", name="cockpit")
def cockpit(
    slug: str, request: Request, session: PageReadSessionDep, actor: PageActorDep, settings: SettingsDep
) -> Response:
    """Show each next stage's gates, the advance buttons and the stage history with its runs."""
    require_owner(signed_in(actor), policy=queries.get_policy(session, slug=slug))
    return render(request, "web/cockpit.html", _cockpit_context(session, slug, settings))


def _refusal_reasons(exc: DomainError, steps: object, *, english: bool) -> list[str]:
    """List the unmet gates of a refusal in the visitor's language (the gates carry both)."""
    if not isinstance(exc, GatesNotMet):
        return [exc.in_language("en" if english else "id")[1]]
    if not english:
        return [f.reason for f in exc.failed]
    english_of = {g.gate: g.reason_en for step in steps for g in step.gates}  # type: ignore[attr-defined]
    return [english_of.get(f.gate, f.reason) for f in exc.failed]


ADVANCE_FORM = PageForm(
    AdvanceIn, refusals={"to_stage": ("Pilih tahap tujuan.", "Choose the stage to move to.")}
)


@router.post("/policies/{slug}/advance", name="advance")
def post_advance(
    slug: str,
    request: Request,
    form: FormDep,
    session: SessionDep,
    actor: PageActorDep,
    settings: SettingsDep,
    background: BackgroundTasks,
) -> Response:
    """Move the policy on; a refusal lists every unmet gate on the cockpit."""
    # Checked before any re-render of the cockpit.
    policy = queries.get_policy(session, slug=slug)
    me = require_owner(signed_in(actor), policy=policy)
    title = policy.title
    try:
        move = ADVANCE_FORM.parse(form)
        event = advance(session, actor=me, slug=slug, **move.model_dump())
    except (GatesNotMet, TransitionNotAllowed, Conflict, InvalidInput) as exc:
        session.rollback()
        context = _cockpit_context(session, slug, settings)
        context["refusal"] = exc
        context["refusal_reasons"] = _refusal_reasons(
            exc, context["steps"], english=locale_of(request) == "en"
        )
        context["values"] = {"reason": str(form.get("reason", "")), "to_stage": str(form.get("to_stage", ""))}
        return render(request, "web/cockpit.html", context, status_code=409)
    if move.to_stage is Stage.WITHDRAWN and not confirmed(form):
        # Withdrawing is for good: the domain accepted it, the person confirms it before it is kept.
        _ = gettext(request)
        return ask_first(
            request,
            session,
            title=_("Withdraw %(title)s?") % {"title": title},
            consequence=_(
                "A withdrawn policy leaves its lifecycle for good: its open consultation closes and "
                "no stage can follow."
            ),
            details=[_("Reason: %(reason)s") % {"reason": move.reason}],
            action=f"/policies/{slug}/advance",
            fields={k: str(v) for k, v in form.items()},
            button=_("Yes, withdraw the policy"),
            back=f"/policies/{slug}/cockpit",
        )
    StageDispatch(background, settings=settings, slug=slug)(event)  # to Prefect once committed
    return redirect(request, f"/policies/{slug}/cockpit#history")


NOTE_FORM = PageForm(RevisionNoteIn, texts=(notes.NOTE_FIELD, notes.NOTE_EN_FIELD))
NOTE_FIELDS = frozenset({"summary", "summary_en", "clause_key"})


@router.post("/policies/{slug}/revision-notes", name="revision_note")
def post_revision_note(
    slug: str,
    request: Request,
    form: FormDep,
    session: SessionDep,
    actor: PageActorDep,
    settings: SettingsDep,
) -> Response:
    """Add the drafter's own revision note from the cockpit; a refusal shows beside its field."""
    me = require_owner(signed_in(actor), policy=queries.get_policy(session, slug=slug))
    try:
        payload = NOTE_FORM.parse(form)
        note = notes.write_revision_note(session, actor=me, slug=slug, **payload.model_dump())
    except DomainError as exc:
        session.rollback()
        context = _cockpit_context(session, slug, settings)
        context["note_values"] = {k: str(form.get(k, "")) for k in NOTE_FIELDS}
        context["note_errors"] = errors_on(exc, locale=locale_of(request), fields=NOTE_FIELDS)
        return render(request, "web/cockpit.html", context, status_code=status_of(exc))
    return redirect(request, f"/policies/{slug}/cockpit#note-{note.id}")
