"""Comment anchors: checked when a comment is posted, carried to each version published after it.

A comment may anchor to one element of its Pasal (an ayat, a huruf, a Menimbang point, a Penjelasan
entry) by the element's key or eId, and to a passage of that element's own text: the quote, its
offsets and the words around it (the W3C Web Annotation text-quote and text-position selectors).
When a new version is published every visible comment made on an earlier version is placed in it
(`anchoring`: exact, fuzzy, element, lost) and the placement stored, one row per comment and version.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from policies.consultation.anchor_text import Anchor, Document, context_of, locate
from policies.consultation.anchoring import Placer
from policies.consultation.models import Comment, CommentAnchor
from policies.consultation.queries import anchors as queries
from policies.core.db import utcnow
from policies.core.errors import InvalidInput
from policies.core.fields import clean_text
from policies.drafting.models import DraftVersion, TextElement

MAX_KEY_CHARS = 40
MAX_EID_CHARS = 160
MAX_QUOTE_CHARS = 5_000
MAX_CONTEXT_CHARS = 200


@dataclass(frozen=True)
class AnchorRequest:
    """What a commenter sends to anchor a comment: an element, and optionally a passage in it."""

    element_key: str | None = None
    eid: str | None = None
    quote: str = ""
    prefix: str = ""
    suffix: str = ""
    start: int | None = None
    end: int | None = None


def _clean(value: str, *, field: str, label: str, label_en: str, max_chars: int) -> str:
    return clean_text(value, field=field, label=label, label_en=label_en, max_chars=max_chars, strip=False)


def _element(session: Session, *, comment: Comment, anchor: AnchorRequest) -> TextElement | None:
    """Return the element asked for, refusing one that is not in the comment's version and Pasal."""
    key = (
        _clean(
            anchor.element_key,
            field="anchor.element_key",
            label="Kunci bagian",
            label_en="The element key",
            max_chars=MAX_KEY_CHARS,
        )
        if anchor.element_key
        else None
    )
    eid = (
        _clean(
            anchor.eid,
            field="anchor.eid",
            label="eId bagian",
            label_en="The element eId",
            max_chars=MAX_EID_CHARS,
        )
        if anchor.eid
        else None
    )
    if key is None and eid is None:
        return None
    element = queries.element_of_version(session, version_id=comment.version_id, key=key, eid=eid)
    field, named = ("anchor.element_key", key) if key is not None else ("anchor.eid", eid)
    if element is None:
        raise InvalidInput(
            f"Bagian '{named}' tidak ada pada versi yang sedang dikonsultasikan.",
            en=f"Element '{named}' is not in the version under consultation.",
            field=field,
        )
    if element.clause_key != comment.clause_key:
        raise InvalidInput(
            f"{element.label} bukan bagian dari pasal yang dikomentari: kirim masukan dari halaman "
            "pasal itu.",
            en=f"{element.label} is not part of the clause commented on: send the comment from that "
            "clause's page.",
            field=field,
        )
    return element


def _holding(session: Session, *, comment: Comment, anchor: Anchor) -> TextElement | None:
    """Return the element of the comment's Pasal whose own text holds the quote (the best by context)."""
    best: tuple[int, TextElement] | None = None
    for element in queries.clause_elements(
        session, version_id=comment.version_id, clause_key=comment.clause_key
    ):
        span = locate(element.text, anchor)
        if span is not None:
            prefix, suffix = context_of(element.text, *span)
            score = sum(
                1 for a, b in zip(reversed(prefix), reversed(anchor.prefix), strict=False) if a == b
            ) + sum(1 for a, b in zip(suffix, anchor.suffix, strict=False) if a == b)
            if best is None or score > best[0]:
                best = (score, element)
    return best[1] if best is not None else None


def apply_anchor(session: Session, *, comment: Comment, anchor: AnchorRequest | None) -> None:
    """Check a new comment's anchor against its version and Pasal, and write it onto the comment."""
    if anchor is None:
        return
    quote = _clean(
        anchor.quote, field="anchor.quote", label="Kutipan", label_en="The quote", max_chars=MAX_QUOTE_CHARS
    )
    prefix = _clean(
        anchor.prefix,
        field="anchor.prefix",
        label="Teks sebelum kutipan",
        label_en="The text before the quote",
        max_chars=MAX_CONTEXT_CHARS,
    )
    suffix = _clean(
        anchor.suffix,
        field="anchor.suffix",
        label="Teks sesudah kutipan",
        label_en="The text after the quote",
        max_chars=MAX_CONTEXT_CHARS,
    )
    if comment.quote and quote and comment.quote != quote:
        raise InvalidInput(
            "Kutipan pada anchor berbeda dari kutipan masukan: kirim satu kutipan saja.",
            en="The anchor's quote differs from the comment's quote: send one quote only.",
            field="anchor.quote",
        )
    quote = quote or comment.quote
    if not quote and (anchor.start is not None or anchor.end is not None):
        raise InvalidInput(
            "Posisi kutipan dikirim tanpa kutipannya.",
            en="A quote position was sent without the quote.",
            field="anchor.quote",
        )
    wanted = Anchor(comment_id=0, key="", quote=quote, prefix=prefix, suffix=suffix, start=anchor.start)
    element = _element(session, comment=comment, anchor=anchor)
    if element is None and quote:
        element = _holding(session, comment=comment, anchor=wanted)
    if element is None:
        if quote:
            raise InvalidInput(
                "Kutipan harus diambil persis dari satu bagian (ayat, huruf) teks pasal.",
                en="The quote must be copied exactly from one part (ayat, huruf) of the clause's text.",
                field="anchor.quote",
            )
        return
    comment.element_key, comment.element_eid, comment.element_label = element.key, element.eid, element.label
    if not quote:
        return
    span = locate(element.text, wanted)
    if span is None:
        raise InvalidInput(
            f"Kutipan tidak terdapat pada teks {element.label}: salin persis dari bagian itu.",
            en=f"The quote is not in the text of {element.label}: copy it exactly from that part.",
            field="anchor.quote",
        )
    if anchor.end is not None and anchor.start is not None and anchor.end - anchor.start != len(quote):
        raise InvalidInput(
            "Posisi akhir kutipan tidak sesuai dengan panjang kutipannya.",
            en="The quote's end position does not match its length.",
            field="anchor.end",
        )
    around = context_of(element.text, *span)
    comment.quote = quote
    comment.quote_start, comment.quote_end = span
    # The context as it stands in the text (what the client sent may be cut differently).
    comment.quote_prefix, comment.quote_suffix = around


def reanchor_version(session: Session, *, version: DraftVersion) -> int:
    """Place every visible comment of earlier versions in a version just published; return how many."""
    assert version.id is not None
    rows = queries.comments_to_place(
        session, policy_id=version.policy_id, version_id=version.id, number=version.number
    )
    if not rows:
        return 0
    old_ids = sorted({r.version_id for r in rows})
    elements = queries.version_elements(session, version_ids=[*old_ids, version.id])
    new = Document(elements[version.id])
    olds = {v: Document(elements[v]) if elements[v] else None for v in old_ids}
    placers = {v: Placer(old=olds[v], new=new) for v in old_ids}
    now = utcnow()
    placed: list[dict[str, Any]] = []
    for r in rows:
        anchor = Anchor(
            comment_id=r.id,
            key=r.element_key or r.clause_key,
            quote=r.quote,
            prefix=r.quote_prefix,
            suffix=r.quote_suffix,
            start=r.quote_start,
            end=r.quote_end,
            label=r.element_label,
            clause_key=r.clause_key,
        )
        p = placers[r.version_id].place(anchor)
        placed.append(
            {
                "comment_id": p.comment_id,
                "version_id": version.id,
                "element_key": p.element_key,
                "eid": p.eid,
                "clause_key": p.clause_key,
                "label": p.label[:200],
                "quote_start": p.start,
                "quote_end": p.end,
                "method": p.method.value,
                "confidence": p.confidence,
                "status": p.status.value,
                "change_label": p.change_label,
                "created_at": now,
            }
        )
    queries.insert_anchors(session, rows=placed)
    return len(placed)


def clause_parts(session: Session, *, version_id: int, clause_key: str) -> list[TextElement]:
    """Return the parts of a version's Pasal a comment may anchor to, in document order."""
    return queries.clause_elements(session, version_id=version_id, clause_key=clause_key)


@dataclass(frozen=True)
class CarriedComment:
    """A comment of an earlier version as a later version shows it: where it sits now and why."""

    anchor: CommentAnchor
    comment: Comment
    from_version: int
    outcome: str | None


def carried_comments(
    session: Session, *, version_id: int, clause_key: str | None = None, orphaned: bool = False
) -> list[CarriedComment]:
    """Return the visible comments of earlier versions carried onto a version (or one of its Pasal,
    or those whose Pasal the version no longer has: shown on the version's own page)."""
    rows = queries.carried_anchors(session, version_id=version_id, clause_key=clause_key, orphaned=orphaned)
    return [CarriedComment(a, c, n, o) for a, c, n, o in rows]
