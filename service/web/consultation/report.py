"""The drafter's consultation report on the pages: what it still needs, its preview, and publishing it."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlmodel import Session
from starlette.responses import Response

from policies.accounts.access import require_owner
from policies.consultation import queries as consultation_queries
from policies.consultation.record import chosen_windows
from policies.consultation.statistics import consultation_stats
from policies.consultation.windows import publish_report
from policies.core.db import utcnow
from policies.core.errors import Conflict
from policies.core.i18n import format_number
from policies.lifecycle import queries
from policies.lifecycle.models import Policy
from service.deps import SessionDep
from service.web.confirm import ask_first, confirmed
from service.web.render import (
    FormDep,
    PageActorDep,
    PageReadSessionDep,
    PageRoute,
    gettext,
    locale_of,
    message_of,
    redirect,
    render,
    signed_in,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def report_context(session: Session, *, policy: Policy) -> dict[str, object]:
    """Gather what the report page shows: the cycle's windows, their counts, what blocks publishing."""
    now = utcnow()
    windows = chosen_windows(session, policy=policy).windows
    window = windows[-1] if windows else None
    ids = [w.id for w in windows if w.id is not None]
    return {
        "policy": policy,
        "window": window,
        "closed": window is not None and (window.closed_at is not None or window.closes_at <= now),
        "stats": consultation_stats(session, window_ids=ids) if ids else None,
        "undisposed": consultation_queries.undisposed_in_cycle(session, policy=policy),
        "refusal": "",
    }


@router.get("/policies/{slug}/consultation/report", name="consultation_report_staff")
def report_page(slug: str, request: Request, session: PageReadSessionDep, actor: PageActorDep) -> Response:
    """Show whether this cycle's report can be published, a link to its preview, and the publish form."""
    policy = queries.get_policy(session, slug=slug)
    require_owner(signed_in(actor), policy=policy)
    return render(request, "web/consultation_report.html", report_context(session, policy=policy))


@router.post("/policies/{slug}/consultation/report/publish", name="consultation_report_publish")
def post_publish_report(
    slug: str, request: Request, form: FormDep, session: SessionDep, actor: PageActorDep
) -> Response:
    """Publish this cycle's report, after its confirmation page; a refusal shows on the report page."""
    policy = queries.get_policy(session, slug=slug)
    me = require_owner(signed_in(actor), policy=policy)
    title = policy.title
    ids = chosen_windows(session, policy=policy).window_ids
    stats = consultation_stats(session, window_ids=ids, by_clause=False)
    try:
        publish_report(session, actor=me, slug=slug)
    except Conflict as exc:
        session.rollback()
        context = report_context(session, policy=queries.get_policy(session, slug=slug))
        context["refusal"] = message_of(request, exc)
        return render(request, "web/consultation_report.html", context, status_code=409)
    if not confirmed(form):
        _ = gettext(request)
        return ask_first(
            request,
            session,
            title=_("Publish the consultation report of %(title)s?") % {"title": title},
            consequence=_(
                "Once published, the report and every answer in it are public for good: it cannot "
                "be unpublished or changed."
            ),
            details=[
                _("%(comments)s comment(s), %(answered)s answered, %(hidden)s hidden by a moderator.")
                % {
                    "comments": format_number(stats.comments, locale=locale_of(request)),
                    "answered": format_number(stats.answered, locale=locale_of(request)),
                    "hidden": format_number(stats.hidden, locale=locale_of(request)),
                }
            ],
            action=f"/policies/{slug}/consultation/report/publish",
            fields={},
            button=_("Yes, publish the report"),
            back=f"/policies/{slug}/consultation/report",
        )
    return redirect(request, f"/policies/{slug}/report")
