"""The moderation queue: hide or show again the newest comments of every open consultation, with a reason."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlmodel import Session
from starlette.datastructures import FormData
from starlette.responses import Response

from policies.accounts.access import Actor
from policies.consultation.answers import MODERATION_REASON
from policies.consultation.comments import set_hidden
from policies.consultation.models import Comment
from policies.consultation.moderation import flagged_queue, moderation_queue
from policies.core.errors import Conflict, InvalidInput
from policies.lifecycle.overview import in_consultation
from service.api.consultation.comments import ModerationIn
from service.api.params import MAX_ID, IdPath
from service.deps import SessionDep
from service.problems import status_of
from service.web.forms import PageForm
from service.web.render import (
    FormDep,
    PageActorDep,
    PageReadSessionDep,
    PageRoute,
    message_of,
    redirect,
    render,
    signed_in,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)
TABS = ("newest", "flagged", "hidden")


def _tab(value: str) -> str:
    return value if value in TABS else "newest"


def _before(value: str) -> int | None:
    return int(value) if value.isdigit() and 0 < int(value) <= MAX_ID else None


def _context(session: Session, actor: Actor | None, tab: str, before: str) -> dict[str, object]:
    me, start = signed_in(actor), _before(before)
    if tab == "flagged":
        page = flagged_queue(session, actor=me, before=start)
    else:
        page = moderation_queue(session, actor=me, hidden=tab == "hidden", before=start)
    # Moderators record offline inputs too: each policy in consultation links to its form.
    return {"tab": tab, "page": page, "before": _before(before), "consulting": in_consultation(session)}


@router.get("/moderation", name="moderation")
def moderation_page(
    request: Request, session: PageReadSessionDep, actor: PageActorDep, tab: str = "", before: str = ""
) -> Response:
    """List the newest comments of open consultations (or the hidden ones) with hide/show forms."""
    return render(request, "web/moderation.html", _context(session, actor, _tab(tab), before))


MODERATION_FORM = PageForm(ModerationIn, texts=(MODERATION_REASON,))


def moderate(session: Session, *, actor: Actor, slug: str, item_id: int, form: FormData) -> Comment:
    """Hide the comment `item_id` (or, with `hidden` other than 1, show it again) for the form's reason."""
    payload = MODERATION_FORM.parse(form)
    hidden = str(form.get("hidden", "")) == "1"
    return set_hidden(
        session, actor=actor, slug=slug, comment_id=item_id, hidden=hidden, reason=payload.reason
    )


@router.post("/moderation/{slug}/{comment_id}", name="moderate")
def post_moderation(
    slug: str,
    comment_id: IdPath,
    request: Request,
    form: FormDep,
    session: SessionDep,
    actor: PageActorDep,
) -> Response:
    """Hide a comment or show it again; the reason is required and kept on record."""
    tab = _tab(str(form.get("tab", "")))
    before = str(form.get("before", ""))
    try:
        moderate(session, actor=signed_in(actor), slug=slug, item_id=comment_id, form=form)
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        context = _context(session, actor, tab, before)
        context.update(
            failed=comment_id,
            values={"reason": str(form.get("reason", ""))},
            errors={f"mod-{comment_id}": message_of(request, exc)},
        )
        return render(request, "web/moderation.html", context, status_code=status_of(exc))
    query = f"?tab={tab}" + (f"&before={_before(before)}" if _before(before) else "")
    return redirect(request, f"/moderation{query}#comment-{comment_id}")
