"""Tracking pages: look a number up, a comment's public status, and the admins' closed days."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from sqlmodel import Session
from starlette.responses import Response

from policies.accounts.access import Actor, require_role
from policies.accounts.models import Role
from policies.calendar import actions as calendar
from policies.calendar import queries as calendar_queries
from policies.calendar.models import HolidayKind
from policies.calendar.workdays import national_holiday_names
from policies.consultation.tracking import tracking_status
from policies.consultation.tracking_numbers import EXAMPLE, normalize
from policies.core.db import utcnow
from policies.core.errors import Conflict, InvalidInput, NotFound
from service.api.params import IdPath
from service.api.tracking import HolidayIn
from service.deps import SessionDep
from service.problems import status_of
from service.web.forms import PageForm, errors_of
from service.web.render import (
    FormDep,
    PageActorDep,
    PageReadSessionDep,
    PageRoute,
    locale_of,
    message_of,
    redirect,
    render,
    signed_in,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/track", name="track_lookup")
def lookup_page(
    request: Request, session: PageReadSessionDep, actor: PageActorDep, number: str = ""
) -> Response:
    """Show the lookup form; with a number, go to its status page (or say why there is none)."""
    if not number:
        return render(request, "web/track_lookup.html", {"example": EXAMPLE})
    canonical = normalize(number)
    if canonical is not None:
        return redirect(request, f"/track/{canonical}")
    return _status_or_refusal(request, session, number)


@router.get("/track/{number}", name="track")
def status_page(number: str, request: Request, session: PageReadSessionDep, actor: PageActorDep) -> Response:
    """Show a comment's public status: its text, where its answer stands, the answer and its trace."""
    return _status_or_refusal(request, session, number)


def _status_or_refusal(request: Request, session: Session, number: str) -> Response:
    """Render a number's status, or the lookup form again saying why it names no comment (404)."""
    try:
        status = tracking_status(session, number=number, now=utcnow())
    except NotFound as exc:
        context = {
            "errors": {"number": message_of(request, exc)},
            "values": {"number": number[:64]},
            "example": EXAMPLE,
        }
        return render(request, "web/track_lookup.html", context, status_code=404)
    return render(request, "web/track.html", {"status": status})


HOLIDAY_FORM = PageForm(
    HolidayIn,
    refusals={
        "closed_on": ("Isi tanggal dengan benar (HH-BB-TTTT).", "Enter a valid date."),
        "kind": ("Pilih jenis hari libur.", "Choose the kind of day off."),
    },
)


def _year(value: str) -> int:
    today = utcnow().date()
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else today.year


def _holidays_context(session: Session, *, actor: Actor | None, year: int, locale: str) -> dict[str, object]:
    require_role(signed_in(actor), Role.ADMIN)
    return {
        "year": year,
        "recorded": calendar_queries.holidays_between(
            session, start=date(year, 1, 1), end=date(year, 12, 31)
        ),
        "national": national_holiday_names(year=year, locale=locale),
        "kinds": list(HolidayKind),
    }


@router.get("/admin/holidays", name="holidays")
def holidays_page(
    request: Request, session: PageReadSessionDep, actor: PageActorDep, year: str = ""
) -> Response:
    """List a year's closed days and let an admin record or remove one."""
    return render(
        request,
        "web/holidays.html",
        _holidays_context(session, actor=actor, year=_year(year), locale=locale_of(request)),
    )


@router.post("/admin/holidays", name="add_holiday")
def post_holiday(request: Request, form: FormDep, session: SessionDep, actor: PageActorDep) -> Response:
    """Record a closed day; a refusal shows the form again with what was typed."""
    values = {name: str(form.get(name, "")) for name in ("closed_on", "name", "kind", "basis")}
    try:
        payload = HOLIDAY_FORM.parse(form)
        row = calendar.add_holiday(session, actor=signed_in(actor), **payload.model_dump())
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        year = _year(values["closed_on"][:4])
        context = _holidays_context(session, actor=actor, year=year, locale=locale_of(request))
        context.update(values=values, errors=errors_of(exc, locale=locale_of(request)))
        return render(request, "web/holidays.html", context, status_code=status_of(exc))
    return redirect(request, f"/admin/holidays?year={row.closed_on.year}#holiday-{row.id}")


@router.post("/admin/holidays/{holiday_id}/delete", name="remove_holiday")
def post_remove_holiday(
    holiday_id: IdPath, request: Request, form: FormDep, session: SessionDep, actor: PageActorDep
) -> Response:
    """Remove a recorded closed day."""
    row = calendar.remove_holiday(session, actor=signed_in(actor), holiday_id=holiday_id)
    return redirect(request, f"/admin/holidays?year={row.closed_on.year}")
