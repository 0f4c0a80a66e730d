"""Export of a consultation's whole comment register as CSV or JSON, streamed in chunks.

The rows are read with a plain SQL statement (no ORM objects, no per-value type conversion) and
fetched in partitions, so memory stays flat and the cost per row stays near the driver's own.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence

import sqlalchemy as sa
from sqlmodel import Session

from policies.consultation.comment_queries import masked

CHUNK_ROWS = 10_000
COLUMNS = (
    "id",
    "clause_key",
    "parent_id",
    "stance",
    "author_name",
    "author_group",
    "source",
    "campaign_id",
    "support_count",
    "oppose_count",
    "created_at_utc",
    "hidden",
    "body",
    "quote",
    "disposition",
    "disposition_reason",
    "next_clause_key",
    "responded_at_utc",
    "via_campaign_id",
    "window_id",
)
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection); a leading
# apostrophe makes it text again. Only the CSV needs it: JSON is never opened as a sheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_GUARD = (
    "CASE WHEN substr({expr}, 1, 1) IN ("
    + ", ".join(f":formula_{i}" for i in range(len(FORMULA_STARTS)))
    + ") THEN :apostrophe || {expr} ELSE {expr} END"
)
_SELECT = """
SELECT comment.id, comment.clause_key, comment.parent_id, comment.stance, {author_name},
       comment.author_group, comment.source, comment.campaign_id, comment.support_count,
       comment.oppose_count, comment.created_at,
       CASE WHEN comment.hidden_at IS NULL THEN 0 ELSE 1 END AS hidden,
       {body}, {quote},
       disposition.outcome, {reason}, {next_clause_key}, disposition.responded_at,
       disposition.via_campaign_id, comment.window_id
FROM comment LEFT JOIN disposition ON disposition.comment_id = comment.id
WHERE {windows}
ORDER BY comment.id
"""
# Hidden text is replaced inside the query by the register's one masking rule, written out as
# SQL text, so the public export never carries it.
_PUBLIC = {
    name: str(expr.compile(compile_kwargs={"literal_binds": True}))
    for name, expr in masked(sa.false()).items()
}


def _statement(*, full_text: bool, guard: bool, windows: int) -> str:
    def text(expr: str) -> str:
        return _GUARD.format(expr=expr) if guard else expr

    # One window (the usual case) is an equality, so the (window_id, id) index gives the order.
    where = (
        "comment.window_id = :window_0"
        if windows == 1
        else "comment.window_id IN (" + ", ".join(f":window_{i}" for i in range(windows)) + ")"
    )
    return _SELECT.format(
        author_name=text("comment.author_name"),
        body=text("comment.body" if full_text else _PUBLIC["body"]),
        quote=text("comment.quote" if full_text else _PUBLIC["quote"]),
        reason=text("disposition.reason"),
        next_clause_key=text("disposition.next_clause_key"),
        windows=where,
    )


def export_query(*, window_ids: Sequence[int], full_text: bool, guard: bool) -> tuple[str, dict[str, object]]:
    """Return the export's SQL (with :named parameters) and its parameters."""
    params: dict[str, object] = {f"window_{i}": w for i, w in enumerate(window_ids)}
    if guard:
        params.update({f"formula_{i}": c for i, c in enumerate(FORMULA_STARTS)}, apostrophe="'")
    return _statement(full_text=full_text, guard=guard, windows=len(window_ids)), params


def _partitions(
    session: Session, *, window_ids: Sequence[int], full_text: bool, guard: bool, chunk_rows: int
) -> Iterator[list]:
    if not window_ids:
        return
    sql, params = export_query(window_ids=window_ids, full_text=full_text, guard=guard)
    conn = session.connection()
    compiled = sa.text(sql).compile(dialect=conn.dialect)
    bound = compiled.construct_params(params)
    args = tuple(bound[name] for name in compiled.positiontup or ()) if compiled.positional else bound
    # The driver's own cursor, server-side on PostgreSQL: plain tuples, no Row object per row,
    # and only one chunk in memory at a time.
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None
    named = conn.dialect.name == "postgresql"
    cursor = dbapi.cursor(name="siklus_comment_export") if named else dbapi.cursor()  # type: ignore[call-arg]
    try:
        cursor.execute(compiled.string, args)
        while rows := cursor.fetchmany(chunk_rows):
            yield rows
    finally:
        cursor.close()


def export_csv(
    session: Session, *, window_ids: Sequence[int], full_text: bool, chunk_rows: int = CHUNK_ROWS
) -> Iterator[str]:
    """Yield the windows' comments as CSV text, a header then one chunk per partition."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    parts = _partitions(
        session, window_ids=window_ids, full_text=full_text, guard=True, chunk_rows=chunk_rows
    )
    for part in parts:
        writer.writerows(part)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def _iso(value: object) -> object:
    # SQLite hands back the stored text, PostgreSQL a datetime; both become one ISO string.
    if value is None or isinstance(value, str):
        return value
    return value.isoformat()  # type: ignore[attr-defined]


def export_json(
    session: Session, *, window_ids: Sequence[int], full_text: bool, chunk_rows: int = CHUNK_ROWS
) -> Iterator[str]:
    """Yield the windows' comments as one JSON array, chunk by chunk."""
    yield "["
    first = True
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str).encode
    parts = _partitions(
        session, window_ids=window_ids, full_text=full_text, guard=False, chunk_rows=chunk_rows
    )
    for part in parts:
        pieces = []
        for row in part:
            record = dict(zip(COLUMNS, row, strict=True))
            record["hidden"] = bool(record["hidden"])
            record["created_at_utc"] = _iso(record["created_at_utc"])
            record["responded_at_utc"] = _iso(record["responded_at_utc"])
            pieces.append(dumps(record))
        if pieces:
            yield ("\n" if first else ",\n") + ",\n".join(pieces)
            first = False
    yield "\n]\n"
