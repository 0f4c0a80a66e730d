"""The comment register's one read model: a comment as a viewer may see it, read straight from SQL.

`CommentPublic` names the fields once. The API answers with it (and documents it), the pages and
the report read it, and the comment page over HTTP writes its records (`record_of_row`: the same
fields, in the same order, as plain mappings) with orjson. The columns that fill it come from
`comment_columns`, where hidden text is masked by one SQL expression for every statement; the
statements themselves live in `comment_queries` and `pages`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel

from policies.accounts.access import Actor
from policies.accounts.models import Role
from policies.consultation.models import Comment, Disposition, Outcome, Stance
from policies.lifecycle.models import Policy

# What the public reads instead of a hidden comment's text, closed by "]" or ": <reason>]".
HIDDEN_NOTE = "[disembunyikan oleh moderator"


class DispositionPublic(BaseModel):
    """A comment's tindak lanjut."""

    outcome: Outcome
    reason: str
    next_clause_key: str | None
    responder_id: int | None
    via_campaign_id: int | None
    responded_at: datetime


class CommentPublic(BaseModel):
    """A comment as the caller may see it (a hidden one's text only for moderators and the unit)."""

    id: int
    clause_key: str
    parent_id: int | None
    quote: str
    body: str
    stance: Stance
    author_name: str
    author_group: str
    source: str
    campaign_id: int | None
    support_count: int
    oppose_count: int
    hidden: bool
    hidden_reason: str
    created_at: datetime
    disposition: DispositionPublic | None = None
    replies: list[CommentPublic] = []


class CommentPage(BaseModel):
    """A page of comments; pass `next_cursor` as `cursor` (same sort) for the following page."""

    items: list[CommentPublic]
    next_cursor: str | None


# The model's own fields, in its order: the columns are selected in it and the records keep it,
# so orjson writes a record's keys in the order pydantic writes the model's.
COMMENT_KEYS = tuple(k for k in CommentPublic.model_fields if k not in ("disposition", "replies"))
DISPOSITION_KEYS = tuple(DispositionPublic.model_fields)
_N = len(COMMENT_KEYS)
_C = Comment.__table__.c  # type: ignore[attr-defined]
_D = Disposition.__table__.c  # type: ignore[attr-defined]
LIST_FROM = Comment.__table__.outerjoin(Disposition.__table__, _D.comment_id == _C.id)  # type: ignore[attr-defined]
# Bound per statement where the viewer's right is known before the query.
FULL_TEXT = sa.bindparam("full_text", type_=sa.Boolean())


def masked(full_text: sa.ColumnElement[bool]) -> dict[str, sa.ColumnElement[Any]]:
    """Return quote, body, hidden and hidden_reason of the comment table as a viewer may see them.

    The one masking rule, for every statement that reads comments: a hidden comment's quote and
    body reach only a viewer for whom `full_text` holds; everyone else reads the placeholder
    with the moderator's reason.
    """
    hidden = _C.hidden_at.is_not(None)
    shown = sa.or_(_C.hidden_at.is_(None), full_text)
    placeholder = sa.case(
        (_C.hidden_reason == "", HIDDEN_NOTE + "]"), else_=HIDDEN_NOTE + ": " + _C.hidden_reason + "]"
    )
    return {
        "quote": sa.case((shown, _C.quote), else_=""),
        "body": sa.case((shown, _C.body), else_=placeholder),
        "hidden": hidden,
        "hidden_reason": sa.case((hidden, _C.hidden_reason), else_=""),
    }


def comment_columns(full_text: sa.ColumnElement[bool]) -> list[sa.ColumnElement[Any]]:
    """Return the columns of `CommentPublic` then `DispositionPublic`, hidden text masked."""
    shown = masked(full_text)
    comment = [shown[k].label(k) if k in shown else _C[k] for k in COMMENT_KEYS]
    return comment + [_D[k] for k in DISPOSITION_KEYS]


def record_of_row(row: Any) -> dict[str, Any]:
    """Turn a row of `comment_columns` into the model's fields as a plain mapping, ready for JSON.

    The hottest read (a page over HTTP) writes these straight out: validating them into models
    and serializing those cost about as much as the query.
    """
    record = dict(zip(COMMENT_KEYS, row, strict=False))  # the disposition follows
    record["disposition"] = (
        dict(zip(DISPOSITION_KEYS, row[_N:], strict=True)) if row[_N] is not None else None
    )
    record["replies"] = []
    return record


def sees_hidden(actor: Actor | None, *, unit: str) -> bool:
    """Tell whether a viewer may read the hidden text of a unit's policies."""
    sees_all, own_unit = hidden_access(actor)
    return sees_all or own_unit == unit


def hidden_access(actor: Actor | None) -> tuple[bool, str | None]:
    """Return whether a viewer reads every hidden text, and the one unit whose hidden text they read."""
    if actor is None:
        return False, None
    if actor.role in (Role.ADMIN, Role.MODERATOR):
        return True, None
    return False, actor.unit if actor.role is Role.DRAFTER else None


def can_see_hidden(actor: Actor | None, *, policy: Policy) -> bool:
    """Tell whether a viewer may read hidden text: moderators, admins and the owning unit's drafters."""
    return sees_hidden(actor, unit=policy.unit)


def new_comment_public(comment: Comment) -> CommentPublic:
    """Describe a comment made just now: not hidden, not answered, no reply, so no query is needed."""
    values = {k: getattr(comment, k) for k in COMMENT_KEYS if k not in ("hidden", "hidden_reason")}
    return CommentPublic.model_validate({**values, "hidden": False, "hidden_reason": ""})
