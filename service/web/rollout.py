"""Roll-out on the pages: adoption (penetapan), socialization sessions and their attendance, the reach,
mentoring pairs, and a reader confirming having read the adopted policy."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from sqlmodel import Session
from starlette.datastructures import FormData
from starlette.responses import Response

from policies.accounts.access import Actor, require_owner
from policies.core.db import utcnow
from policies.core.errors import DomainError
from policies.drafting import queries as drafting_queries
from policies.drafting.reading import is_owner
from policies.lifecycle import queries
from policies.lifecycle.models import Policy
from policies.rollout import actions as rollout
from policies.rollout import queries as rollout_queries
from policies.rollout.privacy import shown_pairs, shown_session_attendance
from policies.rollout.reach import reach_of
from policies.workshops.privacy import disclosure
from service.api.params import IdPath
from service.api.rollout import AdoptionIn, MentoringIn, SessionAttendeeIn, SessionIn
from service.deps import SessionDep, SettingsDep
from service.problems import status_of
from service.web.forms import PageForm, errors_on
from service.web.render import (
    FormDep,
    PageActorDep,
    PageReadSessionDep,
    PageRoute,
    locale_of,
    redirect,
    render,
    signed_in,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)

DATE_REFUSAL = ("Isi tanggal dengan benar (hari, bulan, tahun).", "Fill in a valid date (day, month, year).")
ADOPTION_FORM = PageForm(
    AdoptionIn,
    refusals={
        "adopted_on": DATE_REFUSAL,
        "version_number": ("Pilih versi yang ditetapkan.", "Choose the adopted version."),
    },
    texts=rollout.ADOPTION_FIELDS,
)
SESSION_FORM = PageForm(
    SessionIn,
    refusals={
        "held_on": DATE_REFUSAL,
        "attendance_count": (
            "Jumlah peserta berupa bilangan bulat 0 atau lebih.",
            "The attendance is a whole number, 0 or more.",
        ),
    },
    texts=(rollout.SESSION_TITLE, *rollout.SESSION_FIELDS),
)
ATTENDEE_FORM = PageForm(SessionAttendeeIn, texts=rollout.ATTENDEE_FIELDS)
MENTORING_FORM = PageForm(MentoringIn, refusals={"started_on": DATE_REFUSAL}, texts=rollout.MENTORING_FIELDS)


def _values(form: FormData) -> dict[str, str]:
    return {k: str(v) for k, v in form.items() if k != "csrf_token"}


def _refused(
    request: Request,
    session: Session,
    exc: DomainError,
    *,
    template: str,
    context: Callable[[], dict[str, object]],
    fields: frozenset[str],
    form: Mapping[str, object],
    values: dict[str, str],
) -> Response:
    """Show the page again with the refusal beside its field (or above the form) and the values kept."""
    session.rollback()
    page = context()
    page.update(form=form, values=values, errors=errors_on(exc, locale=locale_of(request), fields=fields))
    return render(request, template, page, status_code=status_of(exc))


# -- adoption (penetapan) ---------------------------------------------------------------------------

ADOPTION_FIELDS = frozenset({"version_number", "instrument_type", "number", "adopted_on", "signed_by"})


def _adoption_context(session: Session, policy: Policy) -> dict[str, object]:
    versions = drafting_queries.list_versions(session, policy_id=policy.id)  # type: ignore[arg-type]
    published = [v for v in versions if v.cycle == policy.cycle and v.published_at is not None]
    adoption = rollout_queries.current_adoption(session, policy=policy)
    return {
        "policy": policy,
        "adoption": adoption,
        "adopted_number": (
            drafting_queries.version_number(session, version_id=adoption.version_id) if adoption else None
        ),
        "published": published,
        "confirm": None,
        "form": {},
    }


@router.get("/policies/{slug}/adoption", name="adoption")
def adoption_page(slug: str, request: Request, session: PageReadSessionDep, actor: PageActorDep) -> Response:
    """Show the cycle's adoption, or the form that records it."""
    policy = queries.get_policy(session, slug=slug)
    require_owner(signed_in(actor), policy=policy)
    return render(request, "web/adoption.html", _adoption_context(session, policy))


@router.post("/policies/{slug}/adoption", name="record_adoption")
def post_adoption(
    slug: str, request: Request, form: FormDep, session: SessionDep, actor: PageActorDep
) -> Response:
    """Check the adoption and ask to confirm it; once confirmed, record it (it cannot be undone)."""
    policy = queries.get_policy(session, slug=slug)
    me = require_owner(signed_in(actor), policy=policy)
    values = _values(form)
    try:
        payload = ADOPTION_FORM.parse(form).model_dump()
        if "confirmed" in form and "revise" not in form:
            rollout.record_adoption(session, actor=me, slug=slug, **payload)
            return redirect(request, f"/policies/{slug}/adoption#adopted")
        # A trial inside a savepoint: every refusal shows now, before the drafter confirms anything.
        trial = session.begin_nested()
        try:
            rollout.record_adoption(session, actor=me, slug=slug, **payload)
        finally:
            trial.rollback()
    except DomainError as exc:
        return _refused(
            request,
            session,
            exc,
            template="web/adoption.html",
            context=lambda: _adoption_context(session, queries.get_policy(session, slug=slug)),
            fields=ADOPTION_FIELDS,
            form={"action": "adopt"},
            values=values,
        )
    page = _adoption_context(session, policy)
    page.update(values=values, confirm=None if "revise" in form else payload)
    return render(request, "web/adoption.html", page)


# -- socialization sessions, attendance and the reach ------------------------------------------------

SESSION_PAGE_FIELDS = frozenset(
    {"title", "held_on", "location", "audience_units", "attendance_count", "notes", "name", "nip", "unit"}
)


def _socialization_context(session: Session, policy: Policy, actor: Actor | None) -> dict[str, object]:
    sessions = rollout_queries.list_sessions(session, policy_id=policy.id)  # type: ignore[arg-type]
    people = rollout_queries.attendance_of_sessions(session, session_ids=[s.id for s in sessions])  # type: ignore[misc]
    seen = disclosure(session, actor=actor, policy=policy)
    return {
        "policy": policy,
        "sessions": [
            (s, len(people[s.id]), shown_session_attendance(people[s.id], seen=seen))  # type: ignore[index]
            for s in sessions
        ],
        "shown": seen.value,
        "reach": reach_of(session, policy=policy, now=utcnow()),
        "can_edit": is_owner(actor, policy=policy),
        "form": {},
    }


@router.get("/policies/{slug}/socialization", name="socialization")
def socialization_page(
    slug: str, request: Request, session: PageReadSessionDep, actor: PageActorDep
) -> Response:
    """Show the sessions with their attendance (NIPs for the owning unit), the reach and the forms."""
    policy = queries.get_policy(session, slug=slug)
    return render(request, "web/socialization.html", _socialization_context(session, policy, actor))


def _units(text: str) -> list[str]:
    return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]


@router.post("/policies/{slug}/socialization/sessions", name="schedule_session")
def post_session(
    slug: str, request: Request, form: FormDep, session: SessionDep, actor: PageActorDep
) -> Response:
    """Schedule (or record) a socialization session."""
    policy = queries.get_policy(session, slug=slug)
    me = require_owner(signed_in(actor), policy=policy)
    values = _values(form)
    try:
        units = _units(values.get("audience_units", ""))
        payload = SESSION_FORM.parse(form, audience_units=units)
        made = rollout.add_session(session, actor=me, slug=slug, **payload.model_dump())
    except DomainError as exc:
        return _refused(
            request,
            session,
            exc,
            template="web/socialization.html",
            context=lambda: _socialization_context(session, queries.get_policy(session, slug=slug), me),
            fields=SESSION_PAGE_FIELDS,
            form={"action": "schedule"},
            values=values,
        )
    return redirect(request, f"/policies/{slug}/socialization#session-{made.id}")


@router.post("/policies/{slug}/socialization/sessions/{session_id}/attendance", name="session_attendance")
def post_attendance(
    slug: str,
    session_id: IdPath,
    request: Request,
    form: FormDep,
    session: SessionDep,
    actor: PageActorDep,
    settings: SettingsDep,
) -> Response:
    """Add a person to a held session's daftar hadir."""
    policy = queries.get_policy(session, slug=slug)
    me = require_owner(signed_in(actor), policy=policy)
    values = _values(form)
    # A session is held on a local day: the page's today is the city's, not UTC's.
    today = utcnow().astimezone(ZoneInfo(settings.timezone)).date()
    try:
        payload = ATTENDEE_FORM.parse(form)
        rollout.record_session_attendance(
            session, actor=me, slug=slug, session_id=session_id, today=today, **payload.model_dump()
        )
    except DomainError as exc:
        return _refused(
            request,
            session,
            exc,
            template="web/socialization.html",
            context=lambda: _socialization_context(session, queries.get_policy(session, slug=slug), me),
            fields=SESSION_PAGE_FIELDS,
            form={"action": "attendance", "session_id": session_id},
            values=values,
        )
    return redirect(request, f"/policies/{slug}/socialization#session-{session_id}")


# -- mentoring pairs ---------------------------------------------------------------------------------

MENTORING_PAGE_FIELDS = frozenset(
    {"mentor_name", "mentor_nip", "mentee_name", "mentee_nip", "unit", "started_on"}
)


def _mentoring_context(session: Session, policy: Policy, actor: Actor | None) -> dict[str, object]:
    pairs = rollout_queries.list_mentoring_pairs(session, policy_id=policy.id)  # type: ignore[arg-type]
    seen = disclosure(session, actor=actor, policy=policy)
    return {
        "policy": policy,
        "count": len(pairs),
        "pairs": shown_pairs(pairs, seen=seen),
        "shown": seen.value,
        "can_edit": is_owner(actor, policy=policy),
        "form": {},
    }


@router.get("/policies/{slug}/mentoring", name="mentoring")
def mentoring_page(slug: str, request: Request, session: PageReadSessionDep, actor: PageActorDep) -> Response:
    """Show the mentoring pairs (NIPs for the owning unit) and the form that adds one."""
    policy = queries.get_policy(session, slug=slug)
    return render(request, "web/mentoring.html", _mentoring_context(session, policy, actor))


@router.post("/policies/{slug}/mentoring", name="add_mentoring_pair")
def post_mentoring(
    slug: str, request: Request, form: FormDep, session: SessionDep, actor: PageActorDep
) -> Response:
    """Pair a mentor with a colleague."""
    policy = queries.get_policy(session, slug=slug)
    me = require_owner(signed_in(actor), policy=policy)
    values = _values(form)
    try:
        payload = MENTORING_FORM.parse(form)
        made = rollout.add_mentoring_pair(session, actor=me, slug=slug, **payload.model_dump())
    except DomainError as exc:
        return _refused(
            request,
            session,
            exc,
            template="web/mentoring.html",
            context=lambda: _mentoring_context(session, queries.get_policy(session, slug=slug), me),
            fields=MENTORING_PAGE_FIELDS,
            form={"action": "pair"},
            values=values,
        )
    return redirect(request, f"/policies/{slug}/mentoring#pair-{made.id}")


# -- acknowledgement ---------------------------------------------------------------------------------


@router.post("/policies/{slug}/acknowledge", name="acknowledge")
def post_acknowledge(
    slug: str, request: Request, form: FormDep, session: SessionDep, actor: PageActorDep
) -> Response:
    """Confirm having read the adopted policy."""
    rollout.acknowledge(session, actor=signed_in(actor), slug=slug)
    return redirect(request, f"/policies/{slug}#acknowledgement")
