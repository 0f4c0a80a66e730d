"""The notice settings page (how to hear about each kind of event) and following a policy from its page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from policies.digest import preferences
from policies.digest import queries as digest_queries
from policies.digest.models import Cadence, EventKind
from service.deps import SessionDep
from service.web.render import (
    FormDep,
    PageActorDep,
    PageReadSessionDep,
    PageRoute,
    redirect,
    render,
    signed_in,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/account/notifications", name="notice_settings")
def notice_settings(request: Request, session: PageReadSessionDep, actor: PageActorDep) -> Response:
    """Show my cadence per kind of event and the events kept for my digests."""
    me = signed_in(actor)
    return render(
        request,
        "web/notifications.html",
        {
            "chosen": preferences.preferences(session, actor=me),
            "kinds": list(EventKind),
            "cadences": list(Cadence),
            "events": digest_queries.events_of(session, account_id=me.id or 0, limit=20),
            "saved": request.query_params.get("saved") == "1",
        },
    )


@router.post("/account/notifications", name="save_notice_settings")
def save_notice_settings(
    request: Request, form: FormDep, session: SessionDep, actor: PageActorDep
) -> Response:
    """Save my cadence per kind of event."""
    given = {kind.value: str(form[kind.value]) for kind in EventKind if kind.value in form}
    preferences.set_preferences(session, actor=signed_in(actor), cadences=given)
    return redirect(request, "/account/notifications?saved=1")


@router.post("/policies/{slug}/follow", name="follow_policy")
def follow_policy(
    slug: str, request: Request, form: FormDep, session: SessionDep, actor: PageActorDep
) -> Response:
    """Follow a policy, or stop following it, and go back to its page."""
    me = signed_in(actor)
    if form.get("follow") == "0":
        preferences.unfollow(session, actor=me, slug=slug)
    else:
        preferences.follow(session, actor=me, slug=slug)
    return redirect(request, f"/policies/{slug}#follow")
