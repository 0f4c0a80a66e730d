"""Export of a window's whole comment register as CSV or JSON, streamed in chunks.

The rows are read with a plain SQL statement (no ORM objects, no per-value type conversion) and
fetched in partitions, so memory stays flat and the cost per row stays near the driver's own.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

import sqlalchemy as sa
from sqlmodel import Session

from policies.comment_queries import hidden_placeholder

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
)
_SELECT = """
SELECT c.id, c.clause_key, c.parent_id, c.stance, c.author_name, c.author_group, c.source,
       c.campaign_id, c.support_count, c.oppose_count, c.created_at,
       CASE WHEN c.hidden_at IS NULL THEN 0 ELSE 1 END AS hidden,
       {body}, {quote},
       d.outcome, d.reason, d.next_clause_key, d.responded_at, d.via_campaign_id
FROM comment c LEFT JOIN disposition d ON d.comment_id = c.id
WHERE c.window_id = :window_id
ORDER BY c.id
"""
_FULL = _SELECT.format(body="c.body", quote="c.quote")
# Hidden text is replaced inside the query, so the public export never carries it.
_PUBLIC = _SELECT.format(
    body="CASE WHEN c.hidden_at IS NULL THEN c.body ELSE :hidden_prefix || c.hidden_reason || ']' END",
    quote="CASE WHEN c.hidden_at IS NULL THEN c.quote ELSE '' END",
)


def _partitions(session: Session, *, window_id: int, full_text: bool, chunk_rows: int) -> Iterator[list]:
    prefix = hidden_placeholder("x")[: -len("x]")]
    params: dict[str, object] = {"window_id": window_id}
    if not full_text:
        params["hidden_prefix"] = prefix
    conn = session.connection()
    compiled = sa.text(_FULL if full_text else _PUBLIC).compile(dialect=conn.dialect)
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
    session: Session, *, window_id: int, full_text: bool, chunk_rows: int = CHUNK_ROWS
) -> Iterator[str]:
    """Yield the window's comments as CSV text, a header then one chunk per partition."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for part in _partitions(session, window_id=window_id, full_text=full_text, chunk_rows=chunk_rows):
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
    session: Session, *, window_id: int, full_text: bool, chunk_rows: int = CHUNK_ROWS
) -> Iterator[str]:
    """Yield the window's comments as one JSON array, chunk by chunk."""
    yield "["
    first = True
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str).encode
    for part in _partitions(session, window_id=window_id, full_text=full_text, chunk_rows=chunk_rows):
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
