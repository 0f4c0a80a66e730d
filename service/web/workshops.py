"""The workshop page: schedule a lokakarya, take attendance, record the minutes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from policies.accounts.access import require_owner
from policies.core.errors import (
    DomainError,
    InvalidInput,
    NotFound,
)
from policies.lifecycle import queries
from policies.workshops import actions as workshops
from policies.workshops import queries as workshop_queries
from service.api.workshops import AttendanceIn, MinutesIn, WorkshopCreate
from service.deps import SessionDep, SettingsDep
from service.problems import status_of
from service.web.forms import PageForm, errors_of, form_id
from service.web.render import (
    FormDep,
    PageActorDep,
    PageReadSessionDep,
    PageRoute,
    as_local_datetime,
    locale_of,
    redirect,
    render,
    signed_in,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)


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
    workshop_id = form_id(values, "workshop_id")
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
        # Every refused field at once; a refusal no form on the page can show (an unknown
        # workshop) goes above everything.
        said = errors_of(exc, locale=locale_of(request))
        errors = {
            ((name if name in WORKSHOP_FIELDS else "form") if known else "page"): m
            for name, m in said.items()
        }
        context.update(form={"action": action, "workshop_id": workshop_id}, values=values, errors=errors)
        return render(request, "web/workshops.html", context, status_code=status_of(exc))
    anchor = f"#workshop-{workshop_id}" if workshop_id else ""
    return redirect(request, f"/policies/{slug}/workshops{anchor}")
