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
from pydantic import BaseModel, Field

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


class AnchorPublic(BaseModel):
    """Where a comment is anchored on its version: an element, and optionally a passage in its text.

    `quote`, `prefix` and `suffix` are a W3C Web Annotation text-quote selector, `start` and `end`
    (offsets in the element's own text) a text-position selector.
    """

    element_key: str | None = Field(
        description="The element's key, the same in every version (None: the whole clause)."
    )
    eid: str | None = Field(description="The element's eId on the comment's version, e.g. pasal_6__ayat_2.")
    label: str = Field(description="The element as the text names it, e.g. Pasal 6 ayat (2).")
    quote: str
    prefix: str
    suffix: str
    start: int | None
    end: int | None


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
    # The public tracking number (consultation/tracking_numbers.py), the status page's address.
    tracking_number: str
    anchor: AnchorPublic | None = None
    disposition: DispositionPublic | None = None
    replies: list[CommentPublic] = []


class CommentPage(BaseModel):
    """A page of comments; pass `next_cursor` as `cursor` (same sort) for the following page."""

    items: list[CommentPublic]
    next_cursor: str | None


# The model's own fields, in its order: the columns are selected in it and the records keep it,
# so orjson writes a record's keys in the order pydantic writes the model's.
COMMENT_KEYS = tuple(k for k in CommentPublic.model_fields if k not in ("anchor", "disposition", "replies"))
DISPOSITION_KEYS = tuple(DispositionPublic.model_fields)
# The anchor's own columns, read after the disposition's (its quote is the comment's).
ANCHOR_COLUMNS = (
    "element_key",
    "element_eid",
    "element_label",
    "quote_prefix",
    "quote_suffix",
    "quote_start",
    "quote_end",
)
_N = len(COMMENT_KEYS)
_M = _N + len(DISPOSITION_KEYS)
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
        "quote_prefix": sa.case((shown, _C.quote_prefix), else_=""),
        "quote_suffix": sa.case((shown, _C.quote_suffix), else_=""),
        "body": sa.case((shown, _C.body), else_=placeholder),
        "hidden": hidden,
        "hidden_reason": sa.case((hidden, _C.hidden_reason), else_=""),
    }


def comment_columns(full_text: sa.ColumnElement[bool]) -> list[sa.ColumnElement[Any]]:
    """Return the columns of `CommentPublic`, `DispositionPublic` then the anchor, hidden text masked."""
    shown = masked(full_text)
    comment = [shown[k].label(k) if k in shown else _C[k] for k in COMMENT_KEYS]
    anchor = [shown[k].label(k) if k in shown else _C[k] for k in ANCHOR_COLUMNS]
    return comment + [_D[k] for k in DISPOSITION_KEYS] + anchor


def record_of_row(row: Any) -> dict[str, Any]:
    """Turn a row of `comment_columns` into the model's fields as a plain mapping, ready for JSON.

    The hottest read (a page over HTTP) writes these straight out: validating them into models
    and serializing those cost about as much as the query.
    """
    record = dict(zip(COMMENT_KEYS, row, strict=False))  # the disposition and the anchor follow
    record["anchor"] = anchor_record(record["quote"], *row[_M:])
    record["disposition"] = (
        dict(zip(DISPOSITION_KEYS, row[_N:_M], strict=True)) if row[_N] is not None else None
    )
    record["replies"] = []
    return record


def anchor_record(
    quote: str,
    element_key: str | None,
    eid: str | None,
    label: str,
    prefix: str,
    suffix: str,
    start: int | None,
    end: int | None,
) -> dict[str, Any] | None:
    """Return a comment's anchor as `AnchorPublic`'s fields, or None for a whole clause with no quote."""
    if element_key is None and not quote:
        return None
    return {
        "element_key": element_key,
        "eid": eid,
        "label": label,
        "quote": quote,
        "prefix": prefix,
        "suffix": suffix,
        "start": start,
        "end": end,
    }


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
    anchor = anchor_record(comment.quote, *(getattr(comment, k) for k in ANCHOR_COLUMNS))
    return CommentPublic.model_validate({**values, "hidden": False, "hidden_reason": "", "anchor": anchor})
