"""The consultation report and the export: every comment by clause, escaped, with its disposition."""

from __future__ import annotations

import csv
import io
import json

import pytest
from markdown_it import MarkdownIt

from policies.accounts.models import Role
from policies.consultation import comments
from policies.consultation.export import COLUMNS, export_csv, export_json
from policies.consultation.models import Outcome
from policies.consultation.queries import current_window
from policies.consultation.report import build_report, render_report
from policies.core.db import unit_of_work
from policies.lifecycle.queries import get_policy
from tests.conftest import DRAFTER
from tests.policies.comment_setup import LATER, SLUG, account, clause_keys, open_consultation

EVIL = "<script>alert('x')</script> & **tebal**"


@pytest.fixture
def register(db: str, catalog: None) -> dict[str, int]:
    """A window with an answered comment, an unanswered one, a hidden one and a reply."""
    open_consultation(db)
    keys = clause_keys(db)
    budi = account(db, email="budi@asn.test", group="asn")
    sari = account(db, email="sari@warga.test")
    maya = account(db, email="maya@siklus.test", role=Role.MODERATOR)
    with unit_of_work(db) as s:
        made = {
            "answered": comments.create_comment(
                s,
                actor=budi,
                slug=SLUG,
                clause_key=keys[0],
                body="Target 20 JP dirinci per jabatan.",
                now=LATER,
            ).id,
            "evil": comments.create_comment(
                s, actor=sari, slug=SLUG, clause_key=keys[1], body=EVIL, now=LATER
            ).id,
            "hidden": comments.create_comment(
                s, actor=sari, slug=SLUG, clause_key=keys[1], body="Teks kasar rahasia.", now=LATER
            ).id,
        }
        comments.create_reply(s, actor=budi, slug=SLUG, parent_id=made["answered"], body="Setuju.", now=LATER)
        comments.dispose(
            s,
            actor=DRAFTER,
            slug=SLUG,
            comment_id=made["answered"],
            outcome=Outcome.ACCEPTED,
            reason="Dirinci pada Pasal 5 ayat (2).",
            next_clause_key="pasal-5",
            now=LATER,
        )
        comments.set_hidden(s, actor=maya, slug=SLUG, comment_id=made["hidden"], hidden=True, reason="kasar")
    return made


def test_report_html_escapes_and_answers_everyone(db: str, register: dict[str, int]) -> None:
    with unit_of_work(db) as s:
        data = build_report(s, slug=SLUG, now=LATER)
    page = render_report(data, fmt="html")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "Dirinci pada Pasal 5 ayat (2)." in page and "Diterima" in page and "pasal-5" in page
    assert "Teks kasar rahasia." not in page and "[disembunyikan oleh moderator: kasar]" in page
    assert "17 Agustus 2026" in page  # LATER is 17 August 2026 in Jakarta
    assert page.count('class="comment"') == 3 and "1 balasan" in page
    assert "Tindak lanjut: belum ada." in page


def test_report_markdown_quotes_user_text(db: str, register: dict[str, int]) -> None:
    with unit_of_work(db) as s:
        text = render_report(build_report(s, slug=SLUG, now=LATER), fmt="md")
    assert text.startswith("# Laporan konsultasi publik")
    assert "> &lt;script&gt;alert('x')&lt;/script&gt; &amp; \\*\\*tebal\\*\\*" in text
    assert "<script>" not in text and "Teks kasar rahasia." not in text
    assert "| Masukan | 3 |" in text and "Tindak lanjut: Diterima" in text


def test_a_hidden_comment_is_answered_by_the_moderators_reason(db: str, register: dict[str, int]) -> None:
    with unit_of_work(db) as s:
        whole = build_report(s, slug=SLUG, now=LATER)
        on_screen = build_report(s, slug=SLUG, now=LATER, page=1)
    assert whole.stats.unanswered == 1  # the "evil" comment; the hidden one is not unanswered
    # The on-screen page, and the whole document the printable report is.
    page, printed = render_report(on_screen, fmt="html"), render_report(whole, fmt="html")
    text, english = render_report(whole, fmt="md"), render_report(whole, fmt="md", locale="en")
    for document in (page, printed, text):
        # "Not answered" only where the summary counts one: the hidden comment says what happened.
        assert document.count("Tindak lanjut: belum ada.") == whole.stats.unanswered
        assert "Tindak lanjut: disembunyikan oleh moderator" in document
        assert "alasan moderator, yang menjadi jawabannya" in document
    hidden = page[page.index(f'id="masukan-{register["hidden"]}"') :]
    hidden = hidden[: hidden.index('<div class="comment"') if '<div class="comment"' in hidden else None]
    assert '<p class="body">kasar</p>' in hidden and "belum ada" not in hidden
    assert "> kasar" in text and english.count("**Answer: none yet.**") == 1
    assert "**Answer: hidden by a moderator** — the moderator's reason, which is its answer:" in english


LINKS = (
    "Lihat [situs resmi](https://contoh.test/a) dan ![foto](https://contoh.test/b.png) atau "
    "[rujukan] <https://contoh.test/c> www.contoh.test https://contoh.test/d\n\n"
    "[rujukan]: https://contoh.test/e"
)


def test_links_and_images_in_quoted_text_render_as_text(db: str, register: dict[str, int]) -> None:
    tono, key = account(db, email="tono@warga.test"), clause_keys(db)[0]
    with unit_of_work(db) as s:
        made = comments.create_comment(s, actor=tono, slug=SLUG, clause_key=key, body=LINKS, now=LATER)
        comments.dispose(
            s,
            actor=DRAFTER,
            slug=SLUG,
            comment_id=made.id,  # type: ignore[arg-type]
            outcome=Outcome.NOTED,
            reason="Lihat [jawaban](https://contoh.test/f).",
            now=LATER,
        )
        text = render_report(build_report(s, slug=SLUG, now=LATER), fmt="md")
    # Rendered as CommonMark with tables and strikethrough: the quotes hold text, no link, no image.
    rendered = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(text)
    assert "<a " not in rendered and "<img" not in rendered
    assert "situs resmi" in rendered and "foto" in rendered and "jawaban" in rendered
    # Bare addresses, which a GFM renderer links by itself, are cut too.
    assert "https://" not in text and "www.contoh" not in text


def test_export_streams_csv_and_json_with_dispositions(db: str, register: dict[str, int]) -> None:
    with unit_of_work(db) as s:
        window_id = current_window(s, policy=get_policy(s, slug=SLUG)).id
        chunks = list(export_csv(s, window_ids=[window_id], full_text=False, chunk_rows=2))
        assert len(chunks) >= 2  # streamed in pieces, not built whole
        rows = list(csv.DictReader(io.StringIO("".join(chunks))))
        assert list(rows[0]) == list(COLUMNS) and len(rows) == 4
        by_id = {int(r["id"]): r for r in rows}
        assert by_id[register["answered"]]["disposition"] == "accepted"
        assert by_id[register["answered"]]["next_clause_key"] == "pasal-5"
        assert by_id[register["hidden"]]["body"] == "[disembunyikan oleh moderator: kasar]"
        assert by_id[register["evil"]]["body"] == EVIL  # stored as given
        records = json.loads("".join(export_json(s, window_ids=[window_id], full_text=True, chunk_rows=2)))
        assert len(records) == 4
        hidden = next(r for r in records if r["id"] == register["hidden"])
        assert hidden["hidden"] is True and hidden["body"] == "Teks kasar rahasia."
        assert records[0]["created_at_utc"].startswith("2026-08-17")


def test_report_in_english_and_marked_as_a_draft(db: str, register: dict[str, int]) -> None:
    with unit_of_work(db) as s:
        data = build_report(s, slug=SLUG, now=LATER)
    page = render_report(data, fmt="html", locale="en", draft=True)
    assert '<html lang="en">' in page and "<title>[DRAFT] Public consultation report" in page
    assert 'class="draft" role="note">DRAFT — this report is not published yet.' in page
    assert "Answer: Accepted" in page and "becomes pasal-5 in the next version" in page
    assert "[hidden by a moderator: kasar]" in page and "Teks kasar rahasia." not in page
    assert "August 17, 2026" in page and "1 reply" in page
    text = render_report(data, fmt="md", locale="en")
    assert text.startswith("# Public consultation report") and "**Answer: none yet.**" in text
    assert "DRAFT" not in text
    assert "DRAF" not in render_report(data, fmt="html")


def test_report_pages_cut_long_clauses_and_lose_no_comment(
    db: str, register: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    from policies.consultation import report
    from policies.core.errors import NotFound

    monkeypatch.setattr(report, "PAGE_COMMENTS", 2)  # three comments: two pages, one clause cut
    with unit_of_work(db) as s:
        full = build_report(s, slug=SLUG, now=LATER)
        first = build_report(s, slug=SLUG, now=LATER, page=1)
        second = build_report(s, slug=SLUG, now=LATER, page=2)
        with pytest.raises(NotFound) as beyond:
            build_report(s, slug=SLUG, now=LATER, page=3)
    assert beyond.value.in_language("en")[1] == "This report has pages 1 to 2; there is no page 3."
    ids = [[c.id for sec in d.sections for c in sec.comments] for d in (full, first, second)]
    assert ids[1] == [register["answered"], register["evil"]] and ids[2] == [register["hidden"]]
    assert ids[1] + ids[2] == ids[0] and (full.page, full.pages, first.pages) == (None, 1, 2)
    assert first.replies == {register["answered"]: 1} and second.replies == {}
    cut = second.sections[0]
    assert cut.continued and cut.key == first.sections[1].key and not first.sections[1].continued
    # Every clause is in the contents; those without comments sit where the reading order puts them.
    assert [i.key for i in first.index] == [sec.key for sec in full.sections]
    assert {i.page for i in first.index if i.comments == 0} == {2}
    assert all(not sec.comments for sec in second.sections[1:])
    assert len(second.sections) == len(full.sections) - 1
    html_1, html_2 = render_report(first, fmt="html"), render_report(second, fmt="html", locale="en")
    assert "Halaman 1 dari 2." in html_1 and 'href="?page=2" rel="next"' in html_1
    assert 'rel="prev"' not in html_1
    assert 'href="?full=1"' in html_1 and html_1.count('class="comment"') == 2
    assert "Page 2 of 2." in html_2 and 'href="?page=1" rel="prev"' in html_2 and "— continued</h2>" in html_2
    assert "Daftar pasal" not in render_report(full, fmt="html")  # the whole document has no pages
