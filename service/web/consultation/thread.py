"""A clause's thread: reading its comments and answers, commenting, replying, and my comments."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from sqlmodel import Session
from starlette.datastructures import FormData
from starlette.responses import Response

from policies.accounts.access import Actor
from policies.consultation import anchors, threads
from policies.consultation import queries as consultation_queries
from policies.consultation.changes import TRACEABLE
from policies.consultation.comment_queries import votes_of_account
from policies.consultation.comments import BLANK_BODY, CommentRules, create_comment, create_reply, vote
from policies.consultation.models import Comment, CommentFlag, Stance
from policies.consultation.moderation import FLAG_REASON, flag_comment
from policies.consultation.trace import traces_of
from policies.consultation.tracking import receipt_for
from policies.consultation.voices import voices_of
from policies.consultation.windows import open_for_version
from policies.core.db import utcnow
from policies.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, RateLimited
from policies.drafting import queries as drafting_queries
from policies.drafting.element_display import clause_markup
from policies.drafting.elements import shown_elements
from policies.drafting.models import DraftVersion
from policies.drafting.reading import readable_version
from policies.lifecycle.models import Policy
from service.api.consultation.comments import CommentCreate, FlagIn, ReplyCreate
from service.api.params import MAX_ID, IdPath
from service.deps import SessionDep, SettingsDep
from service.problems import status_of
from service.web.forms import PageForm, errors_of, form_id, text
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


def _thread_context(
    session: Session, policy: Policy, version: DraftVersion, key: str, actor: Actor | None
) -> dict[str, object]:
    clause = next(
        (c for c in drafting_queries.clauses_of(session, version_id=version.id) if c.key == key), None
    )  # type: ignore[arg-type]
    if clause is None:
        raise NotFound(
            f"Pasal '{key}' tidak ada pada versi {version.number}.",
            en=f"Clause '{key}' is not in version {version.number}.",
        )
    window = consultation_queries.current_window(session, policy=policy)
    thread = threads.clause_thread(session, version_id=version.id, clause_key=key)  # type: ignore[arg-type]
    # The clause's parts (ayat, huruf) to comment on, and the comments earlier versions carry here.
    parts = anchors.clause_parts(session, version_id=version.id, clause_key=key)  # type: ignore[arg-type]
    carried = anchors.carried_comments(session, version_id=version.id, clause_key=key)  # type: ignore[arg-type]
    me = actor.id if actor is not None else None
    return {
        "policy": policy,
        "version": version,
        "clause": clause,
        # The clause's ayat, huruf and angka, each anchored by its eId (#bab_2__pasal_6__ayat_2).
        "structured": clause_markup(
            shown_elements(session=session, version_id=version.id, clause_key=key),  # type: ignore[arg-type]
            clause_key=key,
        ),
        "thread": thread,
        "elements": parts,
        "carried": carried,
        "can_comment": open_for_version(window, version_id=version.id, now=utcnow()),
        "stances": list(Stance),
        "reply_enabled": True,
        # The signed-in person's own support (+1) or opposition (-1), so the buttons say which is theirs.
        "my_votes": votes_of_account(session, account_id=me, comment_ids=[c.id for c in thread])
        if me
        else {},
        "form_fields": {"stance": "stance-for", "body": "body"},
        # Offline sources, on-behalf counts and "not me" reviews (web/comment_voice.html).
        "voices": voices_of(session, comment_ids=[c.id for c in thread], viewer=actor, policy=policy),
    }


def _shown(value: str) -> int | None:
    return int(value) if value.isdigit() and 0 < int(value) <= MAX_ID else None


@router.get("/policies/{slug}/versions/{number}/clauses/{key}", name="thread")
def thread_page(
    slug: str,
    number: IdPath,
    key: str,
    request: Request,
    session: PageReadSessionDep,
    actor: PageActorDep,
    sent: str = "",
    flagged: str = "",
) -> Response:
    """Show one clause with its comments, their replies and the drafter's answers (and what I just sent)."""
    policy, version = readable_version(session, actor=actor, slug=slug, number=number)
    context = _thread_context(session, policy, version, key, actor)
    shown = _shown(sent)
    # The receipt, to its author only: the tracking number and the date the answer is due.
    receipt = receipt_for(session, comment_id=shown, author_id=actor.id if actor else None) if shown else None
    context.update(sent=shown, flagged=_shown(flagged), receipt=receipt)
    return render(request, "web/thread.html", context)


@dataclass(frozen=True)
class ThreadPost:
    """A form sent to a clause's thread: where it goes, who sends it, what it holds."""

    slug: str
    number: int
    key: str
    request: Request
    form: FormData
    session: Session
    actor: Actor
    rules: CommentRules


def _thread_post(
    slug: str,
    number: IdPath,
    key: str,
    request: Request,
    form: FormDep,
    session: SessionDep,
    actor: PageActorDep,
    settings: SettingsDep,
) -> ThreadPost:
    return ThreadPost(slug, number, key, request, form, session, signed_in(actor), CommentRules.of(settings))


ThreadPostDep = Annotated[ThreadPost, Depends(_thread_post)]


THREAD = "/policies/{slug}/versions/{number}/clauses/{key}"


BODY = text("body", "Masukan", "The comment", blank=BLANK_BODY)


COMMENT_FORM = PageForm(
    CommentCreate,
    refusals={
        "stance": (
            "Pilih sikap: setuju, netral atau tidak setuju.",
            "Choose a stance: for, neutral or against.",
        )
    },
    texts=(BODY,),
)


REPLY_FORM = PageForm(ReplyCreate, texts=(BODY,))


def _sent(
    post: ThreadPost,
    send: Callable[[], object],
    *,
    values: dict[str, str],
    where: str = "",
    shown: Callable[[object], str],
) -> Response:
    """Send to the thread; a refusal shows it again, what was typed kept, beside the form that sent it."""
    try:
        made = send()
    except (InvalidInput, RateLimited, Conflict, NotFound, PermissionDenied) as exc:
        # A role's refusal too (a moderator, a drafter commenting): the page says why, the text kept.
        post.session.rollback()
        field = getattr(exc, "field", None)
        if where:
            errors = {where: message_of(post.request, exc)}
        else:
            errors = errors_of(exc, locale=locale_of(post.request))
            errors = {(name if name in values else "form"): said for name, said in errors.items()}
        policy, version = readable_version(post.session, actor=post.actor, slug=post.slug, number=post.number)
        context = _thread_context(post.session, policy, version, post.key, post.actor)
        context.update(values=values, errors=errors, sent=None, flagged=None, failed=field)
        return render(post.request, "web/thread.html", context, status_code=status_of(exc))
    thread = THREAD.format(slug=post.slug, number=post.number, key=post.key)
    return redirect(post.request, f"{thread}{shown(made)}")


def _comment_shown(made: object) -> str:
    assert isinstance(made, Comment)
    return f"?sent={made.id}#comment-{made.id}"


ANCHOR_FIELDS = (
    "element_key",
    "anchor_quote",
    "anchor_prefix",
    "anchor_suffix",
    "anchor_start",
    "anchor_end",
)


def _anchor_of(values: dict[str, str]) -> anchors.AnchorRequest | None:
    """Return the anchor the page's picker and text selection sent, or None for the whole clause."""
    if not values["element_key"] and not values["anchor_quote"]:
        return None

    def offset(name: str) -> int | None:
        value = values[name]
        return int(value) if value.isdigit() and int(value) <= MAX_ID else None

    return anchors.AnchorRequest(
        element_key=values["element_key"] or None,
        quote=values["anchor_quote"],
        prefix=values["anchor_prefix"],
        suffix=values["anchor_suffix"],
        start=offset("anchor_start"),
        end=offset("anchor_end"),
    )


@router.post(f"{THREAD}/comments", name="comment")
def post_comment(post: ThreadPostDep) -> Response:
    """Send a comment on a clause; on a refusal the form comes back with what was typed."""
    values = {
        "body": str(post.form.get("body", "")),
        "stance": str(post.form.get("stance", Stance.NEUTRAL.value)),
        **{name: str(post.form.get(name, "")) for name in ANCHOR_FIELDS},
    }

    def send() -> Comment:
        payload = COMMENT_FORM.parse(post.form, clause_key=post.key)
        anchor = _anchor_of(values)
        return create_comment(
            post.session,
            actor=post.actor,
            slug=post.slug,
            **payload.model_dump(exclude={"anchor"}),
            anchor=anchor,
            rules=post.rules,
        )

    return _sent(post, send, values=values, shown=_comment_shown)


@router.post(f"{THREAD}/replies", name="reply")
def post_reply(post: ThreadPostDep) -> Response:
    """Reply to a comment of the open consultation; a refusal shows beside that reply form."""
    parent_id = form_id(post.form, "parent_id")

    def send() -> Comment:
        payload = REPLY_FORM.parse(post.form)
        return create_reply(
            post.session,
            actor=post.actor,
            slug=post.slug,
            parent_id=parent_id,
            body=payload.body,
            rules=post.rules,
        )

    where = f"reply-{parent_id}"
    return _sent(
        post, send, values={where: str(post.form.get("body", ""))}, where=where, shown=_comment_shown
    )


VOTES = {"1": 1, "-1": -1, "0": 0}


@router.post(f"{THREAD}/comments/{{comment_id}}/vote", name="vote")
def post_vote(comment_id: IdPath, post: ThreadPostDep) -> Response:
    """Support or oppose a comment (or take one's vote back); a refusal shows beside its buttons."""
    value = VOTES.get(str(post.form.get("value", "")))

    def send() -> Comment:
        if value is None:
            raise InvalidInput(
                "Pilih mendukung atau menolak.", en="Choose to support or to oppose.", field="value"
            )
        return vote(post.session, actor=post.actor, slug=post.slug, comment_id=comment_id, value=value)

    where = f"vote-{comment_id}"
    return _sent(post, send, values={}, where=where, shown=lambda _: f"#comment-{comment_id}")


FLAG_FORM = PageForm(FlagIn, texts=(FLAG_REASON,))


@router.post(f"{THREAD}/comments/{{comment_id}}/flag", name="flag")
def post_flag(comment_id: IdPath, post: ThreadPostDep) -> Response:
    """Report a comment to the moderators with a reason; a refusal keeps the reason beside its form."""

    def send() -> CommentFlag:
        payload = FLAG_FORM.parse(post.form)
        return flag_comment(
            post.session, actor=post.actor, slug=post.slug, comment_id=comment_id, reason=payload.reason
        )

    where = f"flag-{comment_id}"
    values = {where: str(post.form.get("reason", ""))}
    return _sent(
        post, send, values=values, where=where, shown=lambda _: f"?flagged={comment_id}#comment-{comment_id}"
    )


@router.get("/me/comments", name="my_comments")
def my_comments(request: Request, session: PageReadSessionDep, actor: PageActorDep) -> Response:
    """List my comments with the drafter's answer to each."""
    me = signed_in(actor)
    items = threads.comments_by_author(session, author_id=me.id or 0)
    # Where each accepted comment led: the text it changed, or why the text stayed.
    accepted = [
        (i.comment, i.disposition) for i in items if i.disposition and i.disposition.outcome in TRACEABLE
    ]
    traces = {t.comment.id: t for t in traces_of(session, pairs=accepted)}  # type: ignore[arg-type]
    return render(request, "web/my_comments.html", {"items": items, "traces": traces})
