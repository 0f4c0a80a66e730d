"""The drafter's consultation windows on the pages: open one, extend it, close it early with a reason."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from sqlmodel import Session
from starlette.datastructures import FormData
from starlette.responses import Response

from policies.accounts.access import Actor, require_owner
from policies.consultation import queries as consultation_queries
from policies.consultation import windows as consultation
from policies.consultation.record import consultations
from policies.consultation.windows import CLOSE_REASON, SCHEDULABLE_STAGES, is_open
from policies.core.db import utcnow
from policies.core.errors import DomainError, NotFound
from policies.drafting import queries as drafting_queries
from policies.lifecycle import KindRules, queries
from policies.lifecycle.models import Policy
from service.api.consultation.windows import WindowClose, WindowExtend, WindowOpen
from service.deps import SessionDep, SettingsDep
from service.problems import status_of
from service.web.forms import PageForm, errors_on
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

OPEN_FORM = PageForm(
    WindowOpen,
    refusals={
        "version_number": (
            "Pilih versi draf yang sudah diterbitkan untuk dikonsultasikan.",
            "Choose the published draft version to consult on.",
        ),
        "opens_at": (
            "Isi tanggal dan jam pembukaan yang valid, atau kosongkan agar jendela dibuka sekarang.",
            "Give a valid opening date and time, or leave it empty to open the window now.",
        ),
        "days": (
            "Isi lama konsultasi dalam hari, sebagai bilangan bulat antara 1 dan 365.",
            "Give the consultation's length in days, a whole number from 1 to 365.",
        ),
    },
)
EXTEND_FORM = PageForm(
    WindowExtend,
    refusals={
        "closes_at": (
            "Isi tanggal dan jam penutupan yang baru.",
            "Give the new closing date and time.",
        )
    },
)
CLOSE_FORM = PageForm(WindowClose, texts=(CLOSE_REASON,))
# The fields of each form that show their own error beside them; the domain's "closes_at" of an
# opening is the length the page asks for.
FORM_FIELDS = {
    "open": {"version_number": "version_number", "opens_at": "opens_at", "days": "days", "closes_at": "days"},
    "extend": {"closes_at": "closes_at"},
    "close": {"reason": "reason"},
}


def local_input(value: datetime, *, tz: str) -> str:
    """Write a time as a datetime-local field shows it, in the site's time zone."""
    return value.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%dT%H:%M")


def _policy_of(session: Session, *, actor: Actor | None, slug: str) -> tuple[Actor, Policy]:
    policy = queries.get_policy(session, slug=slug)
    return require_owner(signed_in(actor), policy=policy), policy


def consultation_context(session: Session, *, policy: Policy, tz: str) -> dict[str, Any]:
    """Gather what the consultation page shows: the windows of every cycle and what may be done now."""
    now = utcnow()
    rules = KindRules.from_mapping(queries.get_kind(session, kind_id=policy.kind_id).rules)
    window = consultation_queries.current_window(session, policy=policy)
    versions = drafting_queries.list_versions(session, policy_id=policy.id)  # type: ignore[arg-type]
    unfinished = window is not None and window.closed_at is None and window.closes_at > now
    return {
        "policy": policy,
        "now": now,
        "window": window,
        "window_open": is_open(window, now=now),
        "unfinished": unfinished,
        "can_open": not unfinished and policy.stage in SCHEDULABLE_STAGES.stages,
        "published_versions": [v for v in versions if v.published_at and v.cycle == policy.cycle],
        "version_numbers": {v.id: v.number for v in versions},
        "min_days": rules.min_consultation_days,
        "cycles": list(reversed(consultations(session, policy=policy))),
        "extend_default": local_input(window.closes_at + timedelta(days=7), tz=tz) if unfinished else "",  # type: ignore[union-attr]
        "form": None,
    }


@router.get("/policies/{slug}/consultation", name="consultation_windows")
def consultation_page(
    slug: str, request: Request, session: PageReadSessionDep, actor: PageActorDep, settings: SettingsDep
) -> Response:
    """Show every cycle's windows and the forms to open, extend or close the current one."""
    _, policy = _policy_of(session, actor=actor, slug=slug)
    context = consultation_context(session, policy=policy, tz=settings.timezone)
    return render(request, "web/consultation.html", context)


def _local(form: FormData, name: str, *, tz: str) -> dict[str, object]:
    """Read a datetime-local field as an aware time; an unreadable one stays as typed (refused then)."""
    typed = str(form.get(name, "")).strip()
    if not typed:
        return {}
    return {name: as_local_datetime(typed, tz=tz) or typed}


def _open(session: Session, *, actor: Actor, slug: str, form: FormData, tz: str) -> object:
    payload = OPEN_FORM.parse(form, **_local(form, "opens_at", tz=tz))
    return consultation.open_window(session, actor=actor, slug=slug, **payload.model_dump())


def _extend(session: Session, *, actor: Actor, slug: str, form: FormData, tz: str) -> object:
    payload = EXTEND_FORM.parse(form, **_local(form, "closes_at", tz=tz))
    return consultation.extend_window(session, actor=actor, slug=slug, closes_at=payload.closes_at)


def _close(session: Session, *, actor: Actor, slug: str, form: FormData, tz: str) -> object:
    # Closing before the planned end is what this form does: its reason is required here.
    reason = CLOSE_REASON.clean(CLOSE_FORM.parse(form).reason)
    return consultation.close_window(session, actor=actor, slug=slug, reason=reason)


WINDOW_ACTIONS: dict[str, Callable[..., object]] = {"open": _open, "extend": _extend, "close": _close}


@router.post("/policies/{slug}/consultation/{window_action}", name="consultation_window_action")
def post_window_action(
    slug: str,
    window_action: str,
    request: Request,
    form: FormDep,
    session: SessionDep,
    actor: PageActorDep,
    settings: SettingsDep,
) -> Response:
    """Open a window, extend the running one, or close it early with a reason."""
    # Checked first: a refusal re-renders the consultation page, which only its owners may see.
    me, _ = _policy_of(session, actor=actor, slug=slug)
    action = window_action
    send = WINDOW_ACTIONS.get(action)
    if send is None:
        raise NotFound(
            f"Tindakan '{action}' tidak dikenal pada halaman konsultasi.",
            en=f"The consultation page has no action '{action}'.",
        )
    try:
        send(session, actor=me, slug=slug, form=form, tz=settings.timezone)
    except DomainError as exc:
        session.rollback()
        context = consultation_context(
            session, policy=queries.get_policy(session, slug=slug), tz=settings.timezone
        )
        context.update(
            form=action,
            values={k: str(v) for k, v in form.items() if k != "csrf_token"},
            # Every refused field at once, each beside its field; the summary above links to them.
            errors=errors_on(exc, locale=locale_of(request), fields=FORM_FIELDS[action]),
        )
        return render(request, "web/consultation.html", context, status_code=status_of(exc))
    return redirect(request, f"/policies/{slug}/consultation#windows")
