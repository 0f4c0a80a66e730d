"""Pages from comment to change: the drafter links accepted comments to the changed elements of the
next version (or says why a text stayed); anyone follows each comment to the text that resulted."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlmodel import Session
from starlette.responses import Response

from policies.accounts.access import Actor, require_owner
from policies.consultation import changes
from policies.consultation.trace import accepted_traces, change_board, consulted_span, public_record
from policies.core.db import MAX_INTEGER
from policies.core.errors import Conflict, InvalidInput, NotFound
from policies.lifecycle import queries
from service.api.params import IdPath
from service.deps import SessionDep
from service.problems import status_of
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
# Answers not accepted shown per clause on the public record; the clause's thread has them all.
SHOWN_ANSWERS = 20


def _board_context(session: Session, *, slug: str, actor: Actor | None) -> dict[str, object]:
    me = signed_in(actor)
    policy = queries.get_policy(session, slug=slug)
    require_owner(me, policy=policy)
    span = consulted_span(session, policy=policy)
    board, traces = [], accepted_traces(session, window_ids=span.window_ids)
    if span.consulted is not None and span.later is not None:
        board, traces = change_board(
            session, consulted=span.consulted, later=span.later, window_ids=span.window_ids
        )
    return {
        "policy": policy,
        "span": span,
        "board": board,
        "traces": traces,
        "untraced": [t for t in traces if not t.changes and not t.disposition.unchanged_reason],
        "errors": {},
        "values": {},
        "failed": None,
    }


@router.get("/policies/{slug}/changes", name="changes")
def board(slug: str, request: Request, session: PageReadSessionDep, actor: PageActorDep) -> Response:
    """Show the changed elements of the next version with the accepted comments to link beside each."""
    return render(request, "web/changes.html", _board_context(session, slug=slug, actor=actor))


def _owner(session: Session, *, actor: Actor | None, slug: str) -> Actor:
    """Refuse anyone but the owning unit's drafters and admins before reading the form's fields."""
    me = signed_in(actor)
    require_owner(me, policy=queries.get_policy(session, slug=slug))
    return me


def _id(raw: str, *, field: str) -> int:
    """Read a form value as a row id, or refuse it naming the field."""
    if not (
        raw.isascii() and raw.isdigit() and len(raw) <= len(str(MAX_INTEGER)) and 0 < int(raw) <= MAX_INTEGER
    ):
        raise InvalidInput(
            f"Nilai '{raw[:20]}' bukan nomor yang valid.",
            en=f"'{raw[:20]}' is not a valid number.",
            field=field,
        )
    return int(raw)


def _refused(
    request: Request,
    session: Session,
    *,
    slug: str,
    actor: Actor | None,
    failed: str,
    exc: InvalidInput | Conflict,
    values: dict[str, str],
) -> Response:
    """Show the page again with the refusal beside the form that was sent, as typed."""
    session.rollback()
    context = _board_context(session, slug=slug, actor=actor)
    context.update(failed=failed, errors={failed: message_of(request, exc)}, values=values)
    return render(request, "web/changes.html", context, status_code=status_of(exc))


@router.post("/policies/{slug}/changes/link", name="changes_link")
def link(slug: str, request: Request, form: FormDep, session: SessionDep, actor: PageActorDep) -> Response:
    """Make the ticked comments (and only those shown) answer one changed element."""
    me = _owner(session, actor=actor, slug=slug)
    key = str(form.get("element_key", ""))[:40]
    failed = f"el-{key}"
    try:
        changes.set_element_links(
            session,
            actor=me,
            slug=slug,
            version_number=_id(str(form.get("version_number", "")), field="version_number"),
            element_key=key,
            linked=[_id(str(v), field="comment_id") for v in form.getlist("comment_id")],
            shown=[_id(str(v), field="shown") for v in form.getlist("shown")],
        )
    except (InvalidInput, Conflict) as exc:
        return _refused(request, session, slug=slug, actor=actor, failed=failed, exc=exc, values={})
    return redirect(request, f"/policies/{slug}/changes?linked={key}#{failed}")


@router.post("/policies/{slug}/changes/unchanged/{comment_id}", name="changes_unchanged")
def unchanged(
    slug: str, comment_id: IdPath, request: Request, form: FormDep, session: SessionDep, actor: PageActorDep
) -> Response:
    """Say why an accepted comment left the text as it was."""
    me = _owner(session, actor=actor, slug=slug)
    failed = f"unchanged-{comment_id}"
    reason = str(form.get("reason", ""))
    try:
        if not reason.strip():
            raise InvalidInput(
                "Tulis alasan mengapa teksnya tetap, atau tautkan masukan ini ke perubahan teks.",
                en="Write why the text stayed, or link this comment to a change of the text.",
                field="unchanged_reason",
            )
        changes.state_unchanged(session, actor=me, slug=slug, comment_id=comment_id, reason=reason)
    except (InvalidInput, Conflict) as exc:
        values = {"reason": reason}
        return _refused(request, session, slug=slug, actor=actor, failed=failed, exc=exc, values=values)
    return redirect(request, f"/policies/{slug}/changes#comment-{comment_id}")


@router.get("/policies/{slug}/trace", name="trace")
def trace(
    slug: str,
    request: Request,
    session: PageReadSessionDep,
    cycle: Annotated[int | None, Query(ge=1, le=MAX_INTEGER)] = None,
) -> Response:
    """Show, clause by clause, the comments, their answers and the text that resulted (public)."""
    policy = queries.get_policy(session, slug=slug)
    if cycle is not None and cycle > policy.cycle:
        raise NotFound(
            f"Kebijakan ini belum sampai pada siklus {cycle}.",
            en=f"This policy has not reached cycle {cycle}.",
        )
    span = consulted_span(session, policy=policy, cycle=cycle)
    records = (
        public_record(session, version=span.consulted, window_ids=span.window_ids) if span.consulted else []
    )
    context = {"policy": policy, "span": span, "records": records, "shown_answers": SHOWN_ANSWERS}
    return render(request, "web/trace.html", context)
