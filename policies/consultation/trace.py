"""The record a citizen can follow: each accepted comment beside the text it changed (or why it stayed),
the matriks perubahan of the consultation report, and the drafter's board of changes to link.

Reads only: the links are written by `changes.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlmodel import Session

from policies.consultation.comment_queries import disposition_of
from policies.consultation.models import Comment, Disposition, Outcome
from policies.consultation.queries import changes as trace_queries
from policies.consultation.queries import cycle_windows
from policies.consultation.register import comment_of
from policies.core.errors import NotFound
from policies.drafting.diff import ElementChange, diff_elements
from policies.drafting.elements import elements_of
from policies.drafting.models import DraftVersion, TextElement
from policies.drafting.queries import clauses_of, list_versions, versions_by_id
from policies.lifecycle.models import Policy

# How a child element's number is written in front of its text when a parent's whole text is shown.
NUMBERED = {"ayat": "({num}) ", "huruf": "{num}. ", "angka": "{num}. "}


def full_texts(elements: Sequence[TextElement]) -> dict[str, str]:
    """Return each element's whole text (its own, then its children's, numbered), by element key."""
    children: dict[str | None, list[TextElement]] = {}
    for e in elements:
        children.setdefault(e.parent_key, []).append(e)

    def line(e: TextElement) -> str:
        mark = NUMBERED.get(e.kind, "").format(num=e.num)
        return e.text if not mark or e.text.startswith(mark.strip()) else mark + e.text

    def whole(e: TextElement) -> list[str]:
        lines = [e.text] if e.text else []
        for child in children.get(e.key, []):
            below = whole(child)
            if below:
                below[0] = line(child) if child.text else below[0]
            lines.extend(below)
        return lines

    return {e.key: "\n".join(whole(e)) for e in elements}


@dataclass(frozen=True)
class LinkedElement:
    """An element of a later version that a comment changed, with its text before and after."""

    version_number: int
    key: str
    eid: str
    label: str
    text: str
    old_text: str


@dataclass(frozen=True)
class CommentTrace:
    """One accepted comment, its answer, and where the answer led in the text."""

    comment: Comment
    disposition: Disposition
    clause_label: str
    clause_text: str
    changes: list[LinkedElement] = field(default_factory=list)


class _Texts:
    """Versions, their elements and clauses, each read once however many comments ask."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.versions: dict[int, DraftVersion] = {}
        self._elements: dict[int, tuple[dict[str, TextElement], dict[str, str]]] = {}
        self._clauses: dict[int, dict[str, tuple[str, str]]] = {}

    def version(self, version_id: int) -> DraftVersion:
        if version_id not in self.versions:
            self.versions.update(versions_by_id(self.session, version_ids=[version_id]))
        return self.versions[version_id]

    def elements(self, version_id: int) -> tuple[dict[str, TextElement], dict[str, str]]:
        if version_id not in self._elements:
            rows = elements_of(session=self.session, version_id=version_id)
            self._elements[version_id] = ({e.key: e for e in rows}, full_texts(rows))
        return self._elements[version_id]

    def clause(self, version_id: int, key: str) -> tuple[str, str]:
        if version_id not in self._clauses:
            self._clauses[version_id] = {
                c.key: (c.heading, c.body) for c in clauses_of(self.session, version_id=version_id)
            }
        return self._clauses[version_id].get(key, ("", ""))


def traces_of(session: Session, *, pairs: Sequence[tuple[Comment, Disposition]]) -> list[CommentTrace]:
    """Return each (comment, disposition) with the elements its answer changed, in the given order."""
    texts = _Texts(session)
    links = trace_queries.changes_of(session, disposition_ids=[d.id for _, d in pairs])  # type: ignore[misc]
    by_disposition: dict[int, list[LinkedElement]] = {}
    for link in links:
        later = texts.version(link.version_id)
        new_elements, new_texts = texts.elements(link.version_id)
        element = new_elements.get(link.element_key)
        by_disposition.setdefault(link.disposition_id, []).append(
            LinkedElement(
                version_number=later.number,
                key=link.element_key,
                eid=element.eid if element else link.eid,
                label=element.label if element else link.eid,
                text=new_texts.get(link.element_key, ""),
                old_text="",
            )
        )
    traces: list[CommentTrace] = []
    for comment, disposition in pairs:
        _, old_texts = texts.elements(comment.version_id)
        heading, body = texts.clause(comment.version_id, comment.clause_key)
        changes = [
            LinkedElement(c.version_number, c.key, c.eid, c.label, c.text, old_texts.get(c.key, ""))
            for c in by_disposition.get(disposition.id, [])  # type: ignore[arg-type]
        ]
        traces.append(CommentTrace(comment, disposition, heading, body, changes))
    return traces


def accepted_traces(session: Session, *, window_ids: Sequence[int]) -> list[CommentTrace]:
    """Return every accepted (wholly or partly) visible comment of these windows with its trace."""
    return traces_of(session, pairs=trace_queries.accepted_comments(session, window_ids=window_ids))


@dataclass
class MatrixRow:
    """One line of the matriks perubahan: a changed element (or a clause that stayed) and why."""

    label: str
    old_text: str
    new_text: str
    reasons: list[str] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    version_number: int | None = None  # None: the text stayed as it was

    @property
    def comment_ids(self) -> list[int]:
        """Return the ids of the comments that led to the row."""
        return [c.id for c in self.comments if c.id is not None]

    @property
    def unchanged(self) -> bool:
        """Tell whether the row records a text that stayed as it was."""
        return self.version_number is None


def change_matrix(session: Session, *, window_ids: Sequence[int]) -> list[MatrixRow]:
    """Return the matriks perubahan of these windows: each change with the comments that led to it."""
    # Only what has a trace: an accepted comment still untraced has no line of the matrix yet.
    traces = traces_of(session, pairs=trace_queries.traced_comments(session, window_ids=window_ids))
    changed: dict[tuple[int, str], MatrixRow] = {}
    stayed: list[MatrixRow] = []
    for t in traces:
        for c in t.changes:
            row = changed.setdefault(
                (c.version_number, c.key),
                MatrixRow(c.label, c.old_text, c.text, version_number=c.version_number),
            )
            row.comments.append(t.comment)
            if t.disposition.reason not in row.reasons:
                row.reasons.append(t.disposition.reason)
        if not t.changes and t.disposition.unchanged_reason:
            stayed.append(
                MatrixRow(
                    t.clause_label,
                    t.clause_text,
                    t.clause_text,
                    [t.disposition.unchanged_reason],
                    [t.comment],
                )
            )
    rows = sorted(changed.values(), key=lambda r: (r.version_number or 0, r.comments[0].id or 0))
    return rows + stayed


@dataclass
class ClauseRecord:
    """A clause of the consulted text: its comments, their answers, and the text that resulted."""

    key: str
    label: str
    old_text: str
    traces: list[CommentTrace] = field(default_factory=list)
    answered: list[tuple[Comment, Disposition]] = field(default_factory=list)


def public_record(
    session: Session, *, version: DraftVersion, window_ids: Sequence[int]
) -> list[ClauseRecord]:
    """Return, clause by clause of the consulted version, the comments, their answers and the result."""
    answered = trace_queries.answered_comments(session, window_ids=window_ids)
    accepted = [(c, d) for c, d in answered if d.outcome in (Outcome.ACCEPTED, Outcome.PARTLY)]
    traces = {t.comment.id: t for t in traces_of(session, pairs=accepted)}
    records = {
        c.key: ClauseRecord(c.key, c.heading, c.body) for c in clauses_of(session, version_id=version.id)
    }  # type: ignore[arg-type]
    for comment, disposition in answered:
        record = records.get(comment.clause_key)
        if record is None:
            continue
        if comment.id in traces:
            record.traces.append(traces[comment.id])
        else:
            record.answered.append((comment, disposition))
    return [r for r in records.values() if r.traces or r.answered]


@dataclass(frozen=True)
class BoardItem:
    """An accepted comment offered beside a changed element: ticked when already linked to it."""

    comment: Comment
    disposition: Disposition
    members: int
    linked: bool


@dataclass(frozen=True)
class BoardChange:
    """A changed element between the consulted version and the next, with the comments to link."""

    change: ElementChange
    clause_key: str
    items: list[BoardItem]


def _one_per_answer(pairs: Sequence[tuple[Comment, Disposition]]) -> list[tuple[Comment, Disposition, int]]:
    """Keep one comment per campaign answer (its first member) with the group's size; others alone."""
    seen: dict[int, list[object]] = {}
    out: list[tuple[Comment, Disposition, int]] = []
    for comment, disposition in pairs:
        group = disposition.via_campaign_id
        if group is None:
            out.append((comment, disposition, 1))
        elif group in seen:
            seen[group][2] = int(seen[group][2]) + 1  # type: ignore[call-overload]
        else:
            seen[group] = [comment, disposition, 1]
            out.append((comment, disposition, 0))
    return [(c, d, n or int(seen[d.via_campaign_id][2])) for c, d, n in out]  # type: ignore[index, call-overload]


def change_board(
    session: Session, *, consulted: DraftVersion, later: DraftVersion, window_ids: Sequence[int]
) -> tuple[list[BoardChange], list[CommentTrace]]:
    """Return the changed elements with the accepted comments to link, and every accepted comment's trace."""
    old = elements_of(session=session, version_id=consulted.id)  # type: ignore[arg-type]
    new = elements_of(session=session, version_id=later.id)  # type: ignore[arg-type]
    clause_of = {e.key: e.clause_key for e in (*old, *new)}
    accepted = trace_queries.accepted_comments(session, window_ids=window_ids)
    traces = traces_of(session, pairs=accepted)
    linked = {(t.comment.id, c.key) for t in traces for c in t.changes if c.version_number == later.number}
    offered = _one_per_answer(accepted)
    board: list[BoardChange] = []
    for change in diff_elements(old=old, new=new):
        if change.kind == "unchanged" or change.new_key is None:
            continue  # a removed element is no element of the later version to link to
        clauses = {clause_of.get(k) for k in (change.old_key, change.new_key) if k}
        items = [
            BoardItem(c, d, n, (c.id, change.new_key) in linked)
            for c, d, n in offered
            if c.clause_key in clauses
        ]
        board.append(BoardChange(change, clause_of.get(change.new_key, ""), items))
    return board, traces


def comment_trace(session: Session, *, policy: Policy, comment_id: int) -> CommentTrace:
    """Return one visible, answered comment's trace (its changes are empty unless it was accepted)."""
    comment = comment_of(session, policy=policy, comment_id=comment_id)
    disposition = disposition_of(session, comment_id=comment_id)
    if comment.hidden_at is not None or comment.parent_id is not None or disposition is None:
        raise NotFound(
            f"Masukan {comment_id} belum diberi tindak lanjut yang dapat ditelusuri.",
            en=f"Comment {comment_id} has no answer to trace yet.",
        )
    return traces_of(session, pairs=[(comment, disposition)])[0]


@dataclass(frozen=True)
class Span:
    """The consulted version of a cycle, the newest published version after it, and the cycle's windows."""

    consulted: DraftVersion | None
    later: DraftVersion | None
    window_ids: list[int]


def consulted_span(session: Session, *, policy: Policy, cycle: int | None = None) -> Span:
    """Return what a cycle's trace compares: the text consulted on and the published text after it."""
    windows = cycle_windows(session, policy=policy, cycle=cycle)
    if not windows:
        return Span(None, None, [])
    consulted = versions_by_id(session, version_ids=[windows[-1].version_id])[windows[-1].version_id]
    later = [
        v
        for v in list_versions(session, policy_id=policy.id)  # type: ignore[arg-type]
        if v.number > consulted.number and v.published_at is not None
    ]
    return Span(consulted, later[-1] if later else None, [w.id for w in windows if w.id is not None])
