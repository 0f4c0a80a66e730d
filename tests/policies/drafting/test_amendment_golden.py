"""The amending instrument against worked examples written out by hand, one per kind of change (issue 24)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from policies.drafting.amendment.changes import plan_amendment
from policies.drafting.amendment.instrument import (
    Enacted,
    amending_markdown,
    regulation_of,
    replacing_markdown,
)
from policies.drafting.amendment.parts import Keyed, keyed_text
from policies.drafting.structure import parse_structure

GOLDEN = Path(__file__).parent / "golden"
ADOPTED = (GOLDEN / "adopted.md").read_text()

# What the drafter changed in the adopted text for the next cycle: (old words, new words) replaced in
# order. Renumbering (a new Pasal 6 pushing Pasal 6 to 7) is written as a drafter would: the
# amendment keeps the adopted numbers anyway (Pasal 5A).
EDITS: dict[str, list[tuple[str, str]]] = {
    "changed_pasal": [
        (
            "setiap tahun oleh perangkat daerah.",
            "setiap tahun oleh perangkat daerah dan ditetapkan oleh kepala perangkat daerah.",
        ),
    ],
    "changed_ayat": [("20 (dua puluh) JP", "24 (dua puluh empat) JP")],
    "inserted_pasal": [
        ("### Pasal 7\nPeraturan", "### Pasal 8\nPeraturan"),
        (
            "### Pasal 6\nPembiayaan",
            "### Pasal 6\nPembiayaan pengembangan kompetensi dapat bersumber dari sumber lain "
            "yang sah dan tidak mengikat.\n### Pasal 7\nPembiayaan",
        ),
        ("### Pasal 7\nCukup jelas.", "### Pasal 8\nCukup jelas."),
        (
            "### Pasal 6\nCukup jelas.",
            "### Pasal 6\nYang dimaksud dengan sumber lain yang sah antara lain hibah.\n"
            "### Pasal 7\nCukup jelas.",
        ),
    ],
    "inserted_ayat": [
        (
            "kepada Wali Kota.\n(2)",
            "kepada Wali Kota.\n(2) Laporan sebagaimana dimaksud pada ayat (1) memuat capaian "
            "dan kendala pelaksanaan.\n(3)",
        ),
    ],
    "deleted_pasal": [
        (
            "### Pasal 6\nPembiayaan sebagaimana dimaksud dalam Pasal 5 dialokasikan paling sedikit 0,5% "
            "(nol koma lima persen) dari belanja pegawai.\n",
            "",
        ),
        ("### Pasal 7\nPeraturan", "### Pasal 6\nPeraturan"),
        ("### Pasal 6\nCukup jelas.\n", ""),
        ("### Pasal 7\nCukup jelas.", "### Pasal 6\nCukup jelas."),
    ],
    "changed_penjelasan": [
        (
            "### Pasal 3\nCukup jelas.",
            "### Pasal 3\nRencana pengembangan kompetensi memuat kebutuhan, jenis, dan "
            "jadwal pengembangan kompetensi.",
        ),
    ],
    "inserted_bab": [
        (
            "## BAB IV KETENTUAN PENUTUP\n### Pasal 7",
            "## BAB IV EVALUASI\n### Pasal 7\nPerangkat daerah mengevaluasi "
            "pelaksanaan pengembangan kompetensi setiap tahun.\n## BAB V KETENTUAN PENUTUP\n### Pasal 8",
        ),
        ("### Pasal 7\nCukup jelas.", "### Pasal 7\nCukup jelas.\n### Pasal 8\nCukup jelas."),
    ],
}
EDITS["several"] = EDITS["changed_ayat"] + EDITS["changed_pasal"] + EDITS["deleted_pasal"]


CITATION = (
    "Peraturan Wali Kota Tangerang Selatan Nomor 45 Tahun 2026 tentang Kebijakan Kepegawaian "
    "(Berita Daerah Kota Tangerang Selatan Tahun 2026 Nomor …)"
)


def proposed(kind: str) -> str:
    """Apply one example's edits to the adopted text, each exactly once."""
    body = ADOPTED
    for old, new in EDITS[kind]:
        assert body.count(old) == 1, (kind, old)
        body = body.replace(old, new)
    return body


def instrument(old: Keyed, body: str, *, amendments: tuple[Enacted, ...] = ()) -> tuple[str, object]:
    """Write the amending instrument from the adopted text to a proposed one."""
    new = keyed_text(body=body, previous=old)
    plan = plan_amendment(old=old.text, new=new.text)
    reg = regulation_of(
        judul=old.text.parts[0].text,
        instrument="Peraturan Wali Kota",
        enacted=Enacted("45", 2026),
        amendments=amendments,
        fallback_subject="Kebijakan Kepegawaian",
    )
    return amending_markdown(plan=plan, reg=reg, old=old.text, new=new.text), plan


@pytest.mark.parametrize("kind", sorted(EDITS))
def test_instrument_matches_the_worked_example_line_by_line(kind: str) -> None:
    """Each kind of change is written in Lampiran II's words, numbered as adopted, and the draft parses."""
    text, plan = instrument(keyed_text(body=ADOPTED), proposed(kind))
    expected = (GOLDEN / f"{kind}.md").read_text().splitlines()
    got = text.splitlines()
    for number, (want, have) in enumerate(zip(expected, got, strict=False), start=1):
        assert have == want, f"{kind}.md line {number}"
    assert len(got) == len(expected), kind
    assert plan.reasons == []  # type: ignore[attr-defined]
    # The instrument is itself a draft in the drafting format: Pasal I and II, the Penjelasan.
    eids = {e.eid for e in parse_structure(body=text)}
    assert {"pasal_i", "pasal_ii", "penjelasan__pasal_i"} <= eids


def _items(text: str) -> list[str]:
    """Pasal I's lines: with a single change, its one unnumbered sentence and the quoted lines."""
    body = text.split("### Pasal I\n", 1)[1].split("### Pasal II", 1)[0]
    return body.splitlines()


def test_deleted_ayat_stays_in_place_as_dihapus() -> None:
    """A deleted ayat keeps its number in the Pasal as it now reads: "(1) Dihapus." after (1)."""
    body = ADOPTED.replace(
        "(2) Laporan sebagaimana dimaksud pada ayat (1) disampaikan paling lambat tanggal 31 Januari tahun "
        "berikutnya.\n",
        "",
    )
    items = _items(instrument(keyed_text(body=ADOPTED), body)[0])
    assert items[0] == (
        f"Ketentuan ayat (2) Pasal 4 {CITATION} dihapus sehingga Pasal 4 berbunyi sebagai berikut:"
    )
    assert items[-1] == "   > (2) Dihapus."


def test_ayat_added_at_the_end_takes_the_next_number() -> None:
    """An ayat after the last one is added ("ditambah"), numbered on: ayat (4) of Pasal 2."""
    body = ADOPTED.replace(
        "dalam sistem informasi kepegawaian.\n",
        "dalam sistem informasi kepegawaian.\n(4) Pencatatan dilakukan oleh perangkat daerah.\n",
    )
    items = _items(instrument(keyed_text(body=ADOPTED), body)[0])
    assert items[0] == (
        f"Ketentuan Pasal 2 {CITATION} ditambah 1 (satu) ayat, yakni ayat (4) sehingga Pasal 2 berbunyi "
        "sebagai berikut:"
    )
    assert items[-1] == "   > (4) Pencatatan dilakukan oleh perangkat daerah."


def test_second_amendment_is_named_and_cites_the_first() -> None:
    """Amending an amended regulation: "Perubahan Kedua atas …", Pasal I cites the first amendment."""
    first = (Enacted("3", 2027),)
    text = instrument(keyed_text(body=ADOPTED), proposed("changed_pasal"), amendments=first)[0]
    lines = text.splitlines()
    assert lines[0].endswith(
        "tentang Perubahan Kedua atas Peraturan Wali Kota Tangerang Selatan Nomor 45 Tahun 2026 tentang "
        "Kebijakan Kepegawaian"
    )
    opening = lines[lines.index("### Pasal I") + 1]
    # One change: Pasal I is that change's sentence, citing the regulation as amended so far.
    assert opening.startswith("Ketentuan Pasal 3 Peraturan Wali Kota Tangerang Selatan Nomor 45 Tahun 2026")
    assert opening.endswith("Nomor …) diubah sehingga berbunyi sebagai berikut:")
    assert (
        "sebagaimana telah diubah dengan Peraturan Wali Kota Tangerang Selatan Nomor 3 Tahun 2027 tentang "
        "Perubahan atas Peraturan Wali Kota Tangerang Selatan Nomor 45 Tahun 2026 tentang Kebijakan "
        "Kepegawaian"
    ) in opening
    third = instrument(
        keyed_text(body=ADOPTED),
        proposed("changed_pasal"),
        amendments=(Enacted("3", 2027), Enacted("9", 2028)),
    )[0]
    assert "tentang Perubahan Ketiga atas" in third.splitlines()[0]
    assert "sebagaimana telah beberapa kali diubah, terakhir dengan" in third


def test_more_than_half_changed_or_a_moved_pasal_advises_replacing() -> None:
    """Over half the Pasal changed, or a Pasal moved to another BAB: the plan says replace, and why."""
    body = ADOPTED
    for old, new in (
        ("tahun oleh perangkat daerah.", "tahun oleh kepala perangkat daerah."),
        ("kepada Wali Kota.", "kepada Wali Kota melalui Sekretaris Daerah."),
        ("belanja daerah.", "belanja daerah dan sumber lain."),
        ("dari belanja pegawai.", "dari belanja pegawai tahun berjalan."),
    ):
        body = body.replace(old, new)
    plan = instrument(keyed_text(body=ADOPTED), body)[1]
    assert [r.id for r in plan.reasons] == ["4 dari 7 Pasal berubah (lebih dari separuh)."]  # type: ignore[attr-defined]
    # BAB III now opens before Pasal 4: Pasal 4 leaves BAB II.
    moved = ADOPTED.replace("## BAB III PEMBIAYAAN\n", "").replace(
        "### Pasal 4\n(1)", "## BAB III PEMBIAYAAN\n### Pasal 4\n(1)"
    )
    reasons = instrument(keyed_text(body=ADOPTED), moved)[1].reasons  # type: ignore[attr-defined]
    assert [r.en for r in reasons] == ["Pasal 4 moves to another BAB."]


def test_the_replacing_regulation_revokes_the_old_one_in_a_last_pasal() -> None:
    """Advised to replace: the proposed text under a new title, its last Pasal revoking the old one."""
    body = ADOPTED
    for old, new in (
        ("tahun oleh perangkat daerah.", "tahun oleh kepala perangkat daerah."),
        ("kepada Wali Kota.", "kepada Wali Kota melalui Sekretaris Daerah."),
        ("belanja daerah.", "belanja daerah dan sumber lain."),
        ("dari belanja pegawai.", "dari belanja pegawai tahun berjalan."),
    ):
        body = body.replace(old, new)
    old = keyed_text(body=ADOPTED)
    new = keyed_text(body=body, previous=old)
    reg = regulation_of(
        judul=old.text.parts[0].text,
        instrument="Peraturan Wali Kota",
        enacted=Enacted.of(number="45 Tahun 2026", adopted_on=date(2026, 9, 10)),
        amendments=(),
        fallback_subject="Kebijakan Kepegawaian",
    )
    text = replacing_markdown(body=body, reg=reg, new=new.text).splitlines()
    assert text[0] == "# Peraturan Wali Kota Tangerang Selatan Nomor … Tahun … tentang Kebijakan Kepegawaian"
    last = text.index("### Pasal 8")
    assert text[last - 2 : last] == [
        "### Pasal 7",
        "Peraturan Wali Kota ini mulai berlaku pada tanggal diundangkan.",
    ]
    assert text[last + 1] == (
        "Pada saat Peraturan Wali Kota ini mulai berlaku, Peraturan Wali Kota Tangerang Selatan Nomor 45 "
        "Tahun 2026 tentang Kebijakan Kepegawaian (Berita Daerah Kota Tangerang Selatan Tahun 2026 Nomor …), "
        "dicabut dan dinyatakan tidak berlaku."
    )
    assert text[last + 2] == "## Penutup" and text[-2:] == ["### Pasal 8", "Cukup jelas."]
    assert "bab_4__pasal_8" in {e.eid for e in parse_structure(body="\n".join(text))}


def test_each_reason_to_replace_is_given_once() -> None:
    """Two new Pasal before Pasal 1 are one reason to replace, listed once (not once per Pasal)."""
    adopted = ADOPTED.split("## Penjelasan")[0]
    head, rest = adopted.split("### Pasal 1\n", 1)
    rest = re.sub(r"### Pasal (\d+)", lambda m: f"### Pasal {int(m.group(1)) + 2}", "### Pasal 1\n" + rest)
    body = f"{head}### Pasal 1\nPasal baru pertama.\n### Pasal 2\nPasal baru kedua.\n{rest}"
    _, plan = instrument(keyed_text(body=adopted), body)
    reasons = [r.en for r in plan.reasons]  # type: ignore[attr-defined]
    assert reasons.count("a new Pasal comes before the first one: the numbering changes.") == 1
    assert len(reasons) == len(set(reasons))


def _explained(text: str) -> list[str]:
    """The lines of the instrument's Penjelasan under Pasal I."""
    return text.split("### Pasal demi Pasal\n### Pasal I\n", 1)[1].split("### Pasal II", 1)[0].splitlines()


def test_the_penjelasan_names_ayat_by_the_amendments_numbers() -> None:
    """The draft inserted ayat (2) and renumbered; the Penjelasan says (1a), (2), (3) as Pasal I does."""
    body = ADOPTED.replace(
        "b. pelatihan fungsional.\n(2)",
        "b. pelatihan fungsional.\n(2) Pengembangan kompetensi dapat dilakukan secara daring.\n(3)",
    ).replace("(3) Pengembangan kompetensi dicatat", "(4) Pengembangan kompetensi dicatat")
    body = body.replace(
        "Ayat (2)\nJP adalah jam pelajaran.\nAyat (3)\nCukup jelas.",
        "Ayat (2)\nDaring adalah melalui jaringan.\nAyat (3)\nJP adalah jam pelajaran.\n"
        "Ayat (4)\nCukup jelas.",
    )
    text = instrument(keyed_text(body=ADOPTED), body)[0]
    assert "   > (1a) Pengembangan kompetensi dapat dilakukan secara daring." in text
    assert _explained(text) == [
        "Pasal 2",
        "Ayat (1)",
        "Cukup jelas.",
        "Ayat (1a)",
        "Daring adalah melalui jaringan.",
        "Ayat (2)",
        "JP adalah jam pelajaran.",
        "Ayat (3)",
        "Cukup jelas.",
    ]
    assert "penjelasan__pasal_i" in {e.eid for e in parse_structure(body=text)}


def test_the_penjelasan_of_a_deleted_ayat_reads_dihapus() -> None:
    """Ayat (2) deleted, (3) renumbered by the draft: the Penjelasan says "Ayat (2) Dihapus." and (3)."""
    body = ADOPTED.replace(
        "(2) Setiap pegawai negeri sipil mengikuti pengembangan kompetensi paling sedikit 20 (dua puluh) JP "
        "dalam 1 (satu) tahun.\n(3) Pengembangan",
        "(2) Pengembangan",
    ).replace("Ayat (2)\nJP adalah jam pelajaran.\nAyat (3)\nCukup jelas.", "Ayat (2)\nCukup jelas.")
    text = instrument(keyed_text(body=ADOPTED), body)[0]
    assert _explained(text) == [
        "Pasal 2",
        "Ayat (1)",
        "Cukup jelas.",
        "Ayat (2)",
        "Dihapus.",
        "Ayat (3)",
        "Cukup jelas.",
    ]
