"""The CSV export byte for byte: masking, formula guard, quoting, text beyond ASCII, chunking."""

from __future__ import annotations

from typing import Any

import pytest

from policies.accounts.models import Role
from policies.consultation import comments
from policies.consultation.export import export_csv
from policies.consultation.models import Outcome, Stance
from policies.consultation.queries import current_window
from policies.core.db import get_engine, unit_of_work
from policies.drafting.queries import clauses_of
from policies.lifecycle.queries import get_policy
from tests.conftest import DRAFTER
from tests.policies.comment_setup import LATER, SLUG, account, clause_keys, open_consultation

HEADER = (
    "id,clause_key,parent_id,stance,author_name,author_group,source,campaign_id,support_count,"
    "oppose_count,created_at_utc,hidden,body,quote,disposition,disposition_reason,next_clause_key,"
    "responded_at_utc,via_campaign_id,window_id,element_key,element_eid,element_label,quote_prefix,"
    "quote_suffix,quote_start,quote_end\r\n"
)


@pytest.fixture
def register(db: str, catalog: None) -> dict[str, Any]:
    """A formula-like comment answered, a hidden one, a reply, and text that needs quoting."""
    open_consultation(db)
    keys = clause_keys(db)
    with unit_of_work(db) as s:
        window = current_window(s, policy=get_policy(s, slug=SLUG))
        quote = clauses_of(s, version_id=window.version_id)[1].body[:24]  # type: ignore[union-attr]
    formula = account(db, email="=warga@warga.test")  # its display name starts with "="
    sari = account(db, email="sari@warga.test", group="asn")
    maya = account(db, email="maya@siklus.test", role=Role.MODERATOR)
    with unit_of_work(db) as s:
        made = {
            "formula": comments.create_comment(
                s, actor=formula, slug=SLUG, clause_key=keys[0], body="=SUM(A1:A9)", now=LATER
            ).id,
            "quoted": comments.create_comment(
                s,
                actor=sari,
                slug=SLUG,
                clause_key=keys[1],
                body='Tunjangan "kinerja", naik 10% — Rp5.000 🙏\nbaris kedua',
                quote=quote,
                stance=Stance.AGAINST,
                now=LATER,
            ).id,
            "hidden": comments.create_comment(
                s, actor=sari, slug=SLUG, clause_key=keys[1], body="Teks kasar rahasia.", now=LATER
            ).id,
        }
        made["reply"] = comments.create_reply(
            s, actor=sari, slug=SLUG, parent_id=made["formula"], body="-1 untuk usul ini.", now=LATER
        ).id
        comments.dispose(
            s,
            actor=DRAFTER,
            slug=SLUG,
            comment_id=made["formula"],
            outcome=Outcome.NOT_ACCEPTED,
            reason="+Tidak sesuai Pasal 5.",
            next_clause_key="pasal-5",
            now=LATER,
        )
        comments.set_hidden(s, actor=maya, slug=SLUG, comment_id=made["hidden"], hidden=True, reason="kasar")
    return {**made, "window": window.id, "first_key": keys[0], "second_key": keys[1], "quote": quote}  # type: ignore[union-attr]


def _export(db: str, *, window_ids: list[int], full_text: bool, chunk_rows: int) -> list[str]:
    with unit_of_work(db) as s:
        return list(export_csv(s, window_ids=window_ids, full_text=full_text, chunk_rows=chunk_rows))


# A comment on a whole clause: no element, no context, no offsets.
NO_ANCHOR = ",,,,,,,"


def _rows(db: str, made: dict[str, Any], *, hidden_body: str) -> list[str]:
    """The four rows as the export writes them; keys and timestamps are the backend's own."""
    # SQLite hands back the stored text, PostgreSQL an aware datetime (str() of it): as before.
    at = (
        "2026-08-17 08:30:00.000000"
        if get_engine(db).dialect.name == "sqlite"
        else "2026-08-17 08:30:00+00:00"
    )
    first, second, quote = made["first_key"], made["second_key"], made["quote"]
    return [
        f"{made['formula']},{first},,neutral,'=Warga,public,online,,0,0,{at},0,'=SUM(A1:A9),,"
        f"not_accepted,'+Tidak sesuai Pasal 5.,pasal-5,{at},,{made['window']}{NO_ANCHOR}\r\n",
        f"{made['quoted']},{second},,against,Sari,asn,online,,0,0,{at},0,"
        f'"Tunjangan ""kinerja"", naik 10% — Rp5.000 🙏\nbaris kedua",{quote},,,,,,'
        f"{made['window']}{NO_ANCHOR}\r\n",
        f"{made['hidden']},{second},,neutral,Sari,asn,online,,0,0,{at},1,{hidden_body},,,,,,,"
        f"{made['window']}{NO_ANCHOR}\r\n",
        f"{made['reply']},{first},{made['formula']},neutral,Sari,asn,online,,0,0,{at},0,"
        f"'-1 untuk usul ini.,,,,,,,{made['window']}{NO_ANCHOR}\r\n",
    ]


def test_public_csv_is_pinned_byte_for_byte(db: str, register: dict[str, Any]) -> None:
    rows = _rows(db, register, hidden_body="[disembunyikan oleh moderator: kasar]")
    chunks = _export(db, window_ids=[register["window"]], full_text=False, chunk_rows=2)
    # The header travels with the first partition; each chunk ends on a whole row.
    assert chunks == [HEADER + rows[0] + rows[1], rows[2] + rows[3]]
    for chunk_rows in (1, 3, 10_000):
        assert "".join(
            _export(db, window_ids=[register["window"]], full_text=False, chunk_rows=chunk_rows)
        ) == (HEADER + "".join(rows))


def test_full_text_csv_shows_hidden_text_and_still_guards_formulas(db: str, register: dict[str, Any]) -> None:
    rows = _rows(db, register, hidden_body="Teks kasar rahasia.")
    chunks = _export(db, window_ids=[register["window"]], full_text=True, chunk_rows=3)
    assert chunks == [HEADER + "".join(rows[:3]), rows[3]]


def test_csv_of_no_window_is_the_header_alone(db: str) -> None:
    assert _export(db, window_ids=[], full_text=False, chunk_rows=2) == [HEADER]
