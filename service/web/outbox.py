"""The inbox page: the in-app messages of the signed-in account (an answer to a comment, say), read or not."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

import policies.tables  # noqa: F401  (every concept's outbox hooks, before an inbox is read)
from policies.core.secret_key import ensure_secret_key
from policies.outbox import hooks, notify
from policies.outbox.message_text import render_email
from policies.outbox.models import Reminder
from service.api.params import IdPath
from service.deps import SessionDep, SettingsDep
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


def _link(reminder: Reminder) -> str:
    """Return the page a message is about, on this site (an answered comment, else its policy)."""
    ctx = hooks.public_context(reminder)
    if reminder.template == "comment_answered":
        return (
            f"/policies/{ctx.get('slug', '')}/versions/{ctx.get('version', '')}/clauses/"
            f"{ctx.get('clause_key', '')}#comment-{ctx.get('comment_id', '')}"
        )
    if reminder.template == "comment_receipt":
        return f"/track/{ctx.get('tracking_number', '')}"
    slug = ctx.get("slug") or ctx.get("policy_slug")
    if reminder.template == "reacknowledgement_request" and slug:
        return f"/policies/{slug}/reacknowledge"  # only the changes that apply to the reader
    if reminder.template == "digest":
        return "/account/notifications"  # a digest spans policies: its settings page lists the events
    return f"/policies/{slug}" if slug else ""


@router.get("/inbox", name="inbox")
def inbox_page(
    request: Request, session: PageReadSessionDep, actor: PageActorDep, settings: SettingsDep
) -> Response:
    """List my in-app messages, newest first, the unread ones marked."""
    me = signed_in(actor)
    secret = ensure_secret_key(settings)
    messages = []
    for reminder in notify.inbox(session, account_id=me.id or 0, limit=100):
        subject, body = render_email(
            reminder, base_url=settings.base_url, tz=settings.timezone, secret=secret
        )
        messages.append(
            {
                "id": reminder.id,
                "subject": subject,
                "body": body,
                "at": reminder.sent_at or reminder.due_at,
                "read": reminder.read_at is not None,
                "link": _link(reminder),
            }
        )
    return render(request, "web/inbox.html", {"messages": messages})


@router.post("/inbox/{message_id}/read", name="inbox_read")
def mark_read(
    message_id: IdPath, request: Request, form: FormDep, session: SessionDep, actor: PageActorDep
) -> Response:
    """Mark one of my messages read and go back to the inbox (or on to the page it is about)."""
    me = signed_in(actor)
    row = notify.mark_read(session, account_id=me.id or 0, reminder_id=message_id)
    go = str(form.get("go", ""))
    return redirect(request, _link(row) if go == "1" and _link(row) else f"/inbox#message-{message_id}")
