"""Pages for drafters: the board, a policy's cockpit, draft editing and publishing, workshops."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, BackgroundTasks, Request
from starlette.responses import Response

from policies.accounts.access import require_owner, require_role
from policies.accounts.models import Role
from policies.consultation import queries as consultation_queries
from policies.core.db import utcnow
from policies.core.errors import (
    Conflict,
    DomainError,
    GatesNotMet,
    InvalidInput,
    NotFound,
    TransitionNotAllowed,
)
from policies.core.settings import Settings
from policies.drafting import queries as drafting_queries
from policies.drafting import revision
from policies.drafting.clauses import parse_draft, with_keys
from policies.drafting.versions import (
    BODY_FIELD,
    CHANGE_NOTE_FIELD,
    TITLE_FIELD,
    create_version,
    publish_version,
)
from policies.lifecycle import overview, queries
from policies.lifecycle.actions import advance, next_steps
from policies.workshops import actions as workshops
from policies.workshops import queries as workshop_queries
from service.api.drafting import VersionCreate
from service.api.lifecycle import AdvanceIn
from service.api.params import MAX_ID, IdPath
from service.api.workshops import AttendanceIn, MinutesIn, WorkshopCreate
from service.deps import SessionDep, SettingsDep
from service.dispatch import StageDispatch, run_ui_url
from service.problems import status_of
from service.web.forms import PageForm
from service.web.render import (
    FormDep,
    PageActorDep,
    PageReadSessionDep,
    PageRoute,
    as_local_datetime,
    locale_of,
    markdown_html,
    message_of,
    redirect,
    render,
    signed_in,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/board", name="board")
def board_page(request: Request, session: PageReadSessionDep, actor: PageActorDep) -> Response:
    """Show the unit's policies by stage, what blocks each and what is due soon."""
    me = require_role(signed_in(actor), Role.DRAFTER, Role.MODERATOR, Role.EVALUATOR)
    columns = overview.board(session, viewer=me, now=utcnow())
    return render(request, "web/board.html", {"columns": columns, "unit": me.unit})


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
    me = require_owner(signed_in(actor), policy=queries.get_policy(session, slug=slug))
    try:
        event = advance(session, actor=me, slug=slug, **ADVANCE_FORM.parse(form).model_dump())
    except (GatesNotMet, TransitionNotAllowed, Conflict, InvalidInput) as exc:
        session.rollback()
        context = _cockpit_context(session, slug, settings)
        context["refusal"] = exc
        context["refusal_reasons"] = _refusal_reasons(
            exc, context["steps"], english=locale_of(request) == "en"
        )
        context["values"] = {"reason": str(form.get("reason", "")), "to_stage": str(form.get("to_stage", ""))}
        return render(request, "web/cockpit.html", context, status_code=409)
    StageDispatch(background, settings=settings, slug=slug)(event)  # to Prefect once committed
    return redirect(request, f"/policies/{slug}/cockpit#history")


@router.get("/policies/{slug}/edit", name="edit_draft")
def edit_form(slug: str, request: Request, session: PageReadSessionDep, actor: PageActorDep) -> Response:
    """Show the latest version's Markdown (clause keys written in) ready to edit."""
    policy = queries.get_policy(session, slug=slug)
    require_owner(signed_in(actor), policy=policy)
    latest = drafting_queries.latest_version(session, policy_id=policy.id)  # type: ignore[arg-type]
    body = ""
    if latest is not None:
        keys = [c.key for c in drafting_queries.clauses_of(session, version_id=latest.id)]  # type: ignore[arg-type]
        body = with_keys(latest.body, keys=keys)
    return render(
        request,
        "web/edit.html",
        {"policy": policy, "latest": latest, "values": {"body": body, "change_note": ""}, "preview": None},
    )


EDIT_FORM = PageForm(VersionCreate, texts=(BODY_FIELD, CHANGE_NOTE_FIELD, TITLE_FIELD))


@router.post("/policies/{slug}/edit")
def post_edit(
    slug: str, request: Request, form: FormDep, session: SessionDep, actor: PageActorDep
) -> Response:
    """Preview the Markdown, or save it as a new version."""
    me = signed_in(actor)
    policy = queries.get_policy(session, slug=slug)
    values = {"body": str(form.get("body", "")), "change_note": str(form.get("change_note", ""))}
    latest = drafting_queries.latest_version(session, policy_id=policy.id)  # type: ignore[arg-type]
    context: dict[str, object] = {"policy": policy, "latest": latest, "values": values, "preview": None}
    try:
        if "preview" in form:
            require_owner(me, policy=policy)
            parsed = parse_draft(EDIT_FORM.parse(form).body)
            context["preview"] = [(c, markdown_html(c.body)) for c in parsed.clauses]
            return render(request, "web/edit.html", context)
        version = create_version(session, actor=me, slug=slug, **EDIT_FORM.parse(form).model_dump())
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        context["errors"] = {(getattr(exc, "field", None) or "body"): message_of(request, exc)}
        return render(request, "web/edit.html", context, status_code=422)
    return redirect(request, f"/policies/{slug}/versions/{version.number}")


@router.post("/policies/{slug}/versions/{number}/publish", name="publish")
def post_publish(
    slug: str, number: IdPath, request: Request, form: FormDep, session: SessionDep, actor: PageActorDep
) -> Response:
    """Publish (freeze) a version."""
    publish_version(session, actor=signed_in(actor), slug=slug, number=number)
    return redirect(request, f"/policies/{slug}/cockpit")


# Each form of the workshop page: the API's request model it fills and the domain action it sends.
WORKSHOP_ACTIONS: dict[str, tuple[PageForm[Any], Callable[..., object]]] = {
    "schedule": (
        PageForm(
            WorkshopCreate,
            refusals={
                "starts_at": ("Isi tanggal dan jam lokakarya.", "Fill in the workshop's date and time.")
            },
            texts=workshops.SCHEDULE_FIELDS,
        ),
        workshops.schedule_workshop,
    ),
    "attendance": (
        PageForm(AttendanceIn, texts=workshops.ATTENDANCE_FIELDS),
        workshops.record_attendance,
    ),
    "minutes": (PageForm(MinutesIn, texts=(workshops.MINUTES_FIELD,)), workshops.record_minutes),
}
# The workshop page's fields that show their own error beside them.
WORKSHOP_FIELDS = frozenset(
    {"title", "starts_at", "location", "online_url", "agenda", "name", "nip", "unit", "minutes"}
)


def _workshops_context(session: PageReadSessionDep, slug: str) -> dict[str, object]:
    policy = queries.get_policy(session, slug=slug)
    items = workshop_queries.list_workshops(session, slug=slug)
    return {
        "policy": policy,
        "workshops": [
            (w, workshop_queries.attendance_of(session, workshop_id=w.id))  # type: ignore[arg-type]
            for w in items
        ],
        "form": None,
    }


@router.get("/policies/{slug}/workshops", name="workshops")
def workshops_page(slug: str, request: Request, session: PageReadSessionDep, actor: PageActorDep) -> Response:
    """Show the workshops with their attendance and minutes, and the forms to add to them."""
    policy = queries.get_policy(session, slug=slug)
    require_owner(signed_in(actor), policy=policy)
    return render(request, "web/workshops.html", _workshops_context(session, slug))


@router.post("/policies/{slug}/workshops/{action}", name="workshop_action")
def post_workshop(
    slug: str,
    action: str,
    request: Request,
    form: FormDep,
    session: SessionDep,
    actor: PageActorDep,
    settings: SettingsDep,
) -> Response:
    """Schedule a workshop, add a person to its attendance or record its minutes."""
    # Checked first: a refusal re-renders the workshop page, which only its owners may see.
    me = require_owner(signed_in(actor), policy=queries.get_policy(session, slug=slug))
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    raw_id = values.get("workshop_id", "").strip()
    workshop_id = int(raw_id) if raw_id.isdigit() and int(raw_id) <= MAX_ID else 0
    try:
        if action not in WORKSHOP_ACTIONS:
            raise NotFound(
                f"Tindakan '{action}' tidak dikenal pada halaman lokakarya.",
                en=f"The workshop page has no action '{action}'.",
            )
        page_form, send = WORKSHOP_ACTIONS[action]
        if action == "schedule":
            # The page's date and time are local; the API's are aware. An unreadable one stays as typed.
            typed = values.get("starts_at", "")
            payload = page_form.parse(form, starts_at=as_local_datetime(typed, tz=settings.timezone) or typed)
            send(session, actor=me, slug=slug, **payload.model_dump())
        elif workshop_id == 0:
            raise InvalidInput(
                "Formulir ini tidak menyebut lokakarya yang valid: muat ulang halaman lalu coba lagi.",
                en="This form does not name a valid workshop: reload the page and try again.",
                field="workshop_id",
            )
        else:
            send(session, actor=me, slug=slug, workshop_id=workshop_id, **page_form.parse(form).model_dump())
    except DomainError as exc:
        session.rollback()
        context = _workshops_context(session, slug)
        known = action == "schedule" or any(w.id == workshop_id for w, _ in context["workshops"])  # type: ignore[attr-defined]
        field = getattr(exc, "field", None)
        # A refusal no form on the page can show (an unknown workshop) goes above everything.
        where = (field if field in WORKSHOP_FIELDS else "form") if known else "page"
        context.update(
            form={"action": action, "workshop_id": workshop_id},
            values=values,
            errors={where: message_of(request, exc)},
        )
        return render(request, "web/workshops.html", context, status_code=status_of(exc))
    anchor = f"#workshop-{workshop_id}" if workshop_id else ""
    return redirect(request, f"/policies/{slug}/workshops{anchor}")
