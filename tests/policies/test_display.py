"""How a clause reaches a person: ayat and huruf on their own lines, Markdown safe, no internal ids."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import yaml

from policies.catalog.loader import KINDS_DIR
from policies.drafting.clauses import new_key, parse_draft
from policies.drafting.diff import Change, ClauseDiff, WordOp
from policies.drafting.display import (
    inline_html,
    legal_html,
    markdown_html,
    plain_lines,
    plain_text,
    readable_changes,
    shown_key,
)
from policies.lifecycle.timeline import run_state_label

PASAL_2 = """(1) Kebijakan Kepegawaian dimaksudkan sebagai pedoman bagi Pemerintah Daerah.
(2) Kebijakan Kepegawaian bertujuan untuk:
a. menciptakan lingkungan kerja yang **kondusif**;
b. menjaga kesejahteraan Pegawai ASN; dan
c. memastikan kompetensi yang sesuai.
(3) Ketentuan lebih lanjut ditetapkan oleh Kepala BKPSDM."""


class _Items(HTMLParser):
    """Collect each list item's own text (without its nested lists), with its depth."""

    def __init__(self) -> None:
        super().__init__()
        self.items: list[tuple[int, str]] = []
        self.depth = 0
        self.stack: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "ol":
            self.depth += 1
        elif tag == "li":
            self.items.append((self.depth, ""))
            self.stack.append(len(self.items) - 1)

    def handle_endtag(self, tag: str) -> None:
        if tag == "ol":
            self.depth -= 1
        elif tag == "li":
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack:
            i = self.stack[-1]
            depth, text = self.items[i]
            self.items[i] = (depth, text + data)


def _items(html: str) -> list[tuple[int, str]]:
    parser = _Items()
    parser.feed(html)
    return [(depth, " ".join(text.split())) for depth, text in parser.items]


def test_each_ayat_and_huruf_is_its_own_item_nested_as_the_source_has_it() -> None:
    html = legal_html(PASAL_2)
    assert _items(html) == [
        (1, "(1) Kebijakan Kepegawaian dimaksudkan sebagai pedoman bagi Pemerintah Daerah."),
        (1, "(2) Kebijakan Kepegawaian bertujuan untuk:"),
        (2, "a. menciptakan lingkungan kerja yang kondusif;"),
        (2, "b. menjaga kesejahteraan Pegawai ASN; dan"),
        (2, "c. memastikan kompetensi yang sesuai."),
        (1, "(3) Ketentuan lebih lanjut ditetapkan oleh Kepala BKPSDM."),
    ]
    assert "<strong>kondusif</strong>" in html and "**" not in html
    assert 'class="legal legal-ayat"' in html and 'class="legal legal-huruf"' in html


def test_menimbang_and_mengingat_of_every_catalogue_example_are_lists() -> None:
    for path in sorted(KINDS_DIR.glob("*.yaml")):
        example = yaml.safe_load(path.read_text())["example"]
        clauses = {c.heading: c for c in parse_draft(example["draft"]).clauses}
        for heading, kind in (("Menimbang", "huruf"), ("Mengingat", "angka")):
            clause = clauses[heading]
            items = _items(legal_html(clause.body))
            lines = [line.strip() for line in clause.body.splitlines() if line.strip()]
            # Every line of the source is one item of the list, in order, markers kept.
            assert [text for _depth, text in items] == [" ".join(line.split()) for line in lines], path.name
            assert f"legal-{kind}" in legal_html(clause.body)


def test_every_line_of_every_catalogue_pasal_stays_a_line() -> None:
    for path in sorted(KINDS_DIR.glob("*.yaml")):
        example = yaml.safe_load(path.read_text())["example"]
        for clause in parse_draft(example["draft"]).clauses:
            html = legal_html(clause.body)
            lines = [line.strip() for line in clause.body.splitlines() if line.strip()]
            markers = [
                line.split(" ", 1)[0] for line in lines if re.match(r"^(\(\d+\)|[a-z]\.|\d+\.)\s", line)
            ]
            items = _items(html)
            assert [text.split(" ", 1)[0] for _depth, text in items] == markers, (path.name, clause.heading)


def test_sub_items_nest_and_a_plain_paragraph_keeps_its_line_breaks() -> None:
    html = legal_html(
        "(1) Meliputi:\na. pelatihan:\n1. klasikal;\n2. nonklasikal; dan\nb. mentoring.\n"
        "Peraturan ini mulai berlaku.\nAgar setiap orang mengetahuinya."
    )
    assert _items(html) == [
        (1, "(1) Meliputi:"),
        (2, "a. pelatihan:"),
        (3, "1. klasikal;"),
        (3, "2. nonklasikal; dan"),
        (2, "b. mentoring."),
    ]
    assert "<p>Peraturan ini mulai berlaku.<br />\nAgar setiap orang mengetahuinya.</p>" in html or (
        "<p>Peraturan ini mulai berlaku.<br>\nAgar setiap orang mengetahuinya.</p>" in html
    )


def test_user_markup_is_text_and_links_are_harmless() -> None:
    evil = "(1) <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>\na. **ok**"
    html = legal_html(evil)
    assert "<script" not in html and "<img" not in html and "href" not in html
    assert "&lt;script&gt;" in html and "<strong>ok</strong>" in html
    assert "<script" not in markdown_html("<script>x</script>") and "<h1>" not in markdown_html("# T")
    assert str(inline_html("**Pasal 5** <b>x</b>")) == "<strong>Pasal 5</strong> &lt;b&gt;x&lt;/b&gt;"


def test_plain_text_drops_markdown_marks_and_keeps_lines() -> None:
    assert plain_text("**Pasal** _5_ \\* & <b>") == "Pasal 5 * & <b>"
    assert plain_lines("(1) **tebal**\n\na. `kode`") == "(1) tebal\n\na. kode"


def test_the_diff_page_compares_the_words_a_person_reads() -> None:
    change = ClauseDiff(
        key="c-1234abcd",
        change=Change.CHANGED,
        old_heading="Pasal 5",
        new_heading="Pasal 5",
        old_body="(1) Target **20** JP.",
        new_body="(1) Target **24** JP.\n(2) Dicatat.",
        words=[WordOp("equal", "**20**")],
    )
    [shown] = readable_changes([change])
    assert shown.words == [
        WordOp("equal", "Pasal 5\n(1) Target"),
        WordOp("delete", "20 JP."),
        WordOp("insert", "24 JP.\n(2) Dicatat."),  # the new ayat starts its own line
    ]


def test_made_up_keys_are_never_shown_but_a_drafters_own_key_is() -> None:
    assert shown_key(new_key()) is None
    assert shown_key("pasal-5") == "pasal-5"


def test_run_states_read_in_the_pages_language() -> None:
    expected = {
        "Scheduled": ("Terjadwal", "Scheduled"),
        "Pending": ("Menunggu", "Waiting"),
        "Running": ("Berjalan", "Running"),
        "Completed": ("Selesai", "Completed"),
        "Failed": ("Gagal", "Failed"),
        "Cancelled": ("Dibatalkan", "Cancelled"),
        "Crashed": ("Gagal (terhenti)", "Failed (crashed)"),
        "AwaitingRetry": ("Menunggu diulang", "Waiting to retry"),
        "COMPLETED": ("Selesai", "Completed"),
        "Something New": ("Status tidak dikenal", "Unknown state"),
    }
    for state, (id_, en) in expected.items():
        assert run_state_label(state, locale="id") == id_
        assert run_state_label(state, locale="en") == en
    assert run_state_label(None, locale="id") == ""


PLAIN_COMMENTS = [
    "Mohon pasal ini diperjelas.",
    "  Kata \"wajib\" dan 'paling sedikit' perlu didefinisikan, 50% ASN belum paham.  ",
    "(1) Ayat ini: Rp 5.000.000,00 per tahun? Lihat http://contoh.go.id atau www.contoh.go.id.",
    "Setuju 👍 — terima kasih; ASN di Kecamatan Serpong.",
    "a. huruf di awal kalimat",
    "Tahun 2026. Dan seterusnya",
    "\u00a0spasi tak terputus di awal",
]


def test_plain_comments_render_as_the_markdown_parser_renders_them() -> None:
    from policies.drafting import display

    for text in PLAIN_COMMENTS + [line.strip() for line in PASAL_2.splitlines()]:
        parsed = display._clean(display._no_headings(display._MD.render(text)))
        assert str(markdown_html(text)) == parsed, text
