"""The parser reads every element of Lampiran II and refuses drafts that break its rules, naming the line."""

from __future__ import annotations

import pytest

from policies.catalog.loader import read_specs
from policies.core.errors import InvalidInput
from policies.drafting.clauses import parse_draft
from policies.drafting.structure import parse_structure, parse_with_heads

FULL = """# PERATURAN WALI KOTA TANGERANG SELATAN NOMOR 12 TAHUN 2026 TENTANG UJI
## Pembukaan
DENGAN RAHMAT TUHAN YANG MAHA ESA
WALI KOTA TANGERANG SELATAN,
### Menimbang
a. bahwa satu;
b. bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a, perlu menetapkan;
### Mengingat
1. Undang-Undang Nomor 12 Tahun 2011;
2. Undang-Undang Nomor 20 Tahun 2023;
### Menetapkan
PERATURAN WALI KOTA TENTANG UJI.
## BAB I KETENTUAN UMUM
### Pasal 1
Dalam Peraturan Wali Kota ini yang dimaksud dengan:
1. Daerah adalah Kota Tangerang Selatan.
2. Pegawai adalah pegawai.
## BAB II
PELAKSANAAN
## Bagian Kesatu Pelatihan
## Paragraf 1 Klasikal
### Pasal 2
(1) Pelatihan meliputi:
a. pelatihan teknis, yang terdiri atas:
1. teknis umum, yaitu:
a) tata naskah; dan
b) kearsipan;
2. teknis khusus; dan
b. pelatihan fungsional.
Pelatihan dicatat di SIASN.
(2) Pelatihan dievaluasi.
## Paragraf 2 Nonklasikal
### Pasal 3
Pelatihan nonklasikal diatur Kepala BKPSDM.
## Bagian Kedua Evaluasi
### Pasal 4
(1) Evaluasi paling sedikit 1 kali.
(2) Hasil evaluasi dipublikasikan.
## Penutup
Peraturan Wali Kota ini mulai berlaku pada tanggal diundangkan.
## Penjelasan
### Umum
Peraturan ini disusun secara partisipatif.
### Pasal demi Pasal
### Pasal 1
Cukup jelas.
### Pasal 2
Ayat (1)
Huruf a
Yang dimaksud dengan pelatihan teknis adalah pelatihan sesuai jabatan.
Huruf b
Cukup jelas.
Ayat (2)
Cukup jelas.
## Lampiran I Formulir
### Formulir Evaluasi
Nama, NIP, unit kerja.
"""


def by_eid() -> dict[str, object]:
    return {e.eid: e for e in parse_structure(body=FULL)}


def test_every_lampiran_ii_element_has_its_eid_kind_and_label() -> None:
    elements = {e.eid: e for e in parse_structure(body=FULL)}
    expected = {
        "judul": ("judul", "Judul"),
        "pembukaan": ("pembukaan", "Pembukaan"),
        "menimbang": ("menimbang", "Menimbang"),
        "menimbang__point_b": ("point", "Menimbang huruf b"),
        "mengingat__point_2": ("point", "Mengingat angka 2"),
        "menetapkan": ("text", "Menetapkan"),
        "bab_1": ("bab", "BAB I"),
        "bab_1__pasal_1": ("pasal", "Pasal 1"),
        "bab_1__pasal_1__angka_2": ("angka", "Pasal 1 angka 2"),
        "bab_2": ("bab", "BAB II"),
        "bab_2__bagian_1": ("bagian", "BAB II Bagian Kesatu"),
        "bab_2__bagian_1__paragraf_1": ("paragraf", "BAB II Bagian Kesatu Paragraf 1"),
        "bab_2__pasal_2": ("pasal", "Pasal 2"),
        "bab_2__pasal_2__ayat_1": ("ayat", "Pasal 2 ayat (1)"),
        "bab_2__pasal_2__ayat_1__huruf_a": ("huruf", "Pasal 2 ayat (1) huruf a"),
        "bab_2__pasal_2__ayat_1__huruf_a__angka_1": ("angka", "Pasal 2 ayat (1) huruf a angka 1"),
        "bab_2__pasal_2__ayat_1__huruf_a__angka_1__huruf_b": (
            "huruf",
            "Pasal 2 ayat (1) huruf a angka 1 huruf b)",
        ),
        "bab_2__pasal_2__ayat_1__text_1": ("text", "Pasal 2 ayat (1) (kalimat)"),
        "bab_2__bagian_2": ("bagian", "BAB II Bagian Kedua"),
        "bab_2__pasal_4__ayat_2": ("ayat", "Pasal 4 ayat (2)"),
        "penutup": ("penutup", "Penutup"),
        "penjelasan": ("penjelasan", "Penjelasan"),
        "penjelasan__umum": ("penjelasan_umum", "Penjelasan Umum"),
        "penjelasan__pasal_1": ("penjelasan_pasal", "Penjelasan Pasal 1"),
        "penjelasan__pasal_2__ayat_1__huruf_a": ("huruf", "Penjelasan Pasal 2 ayat (1) huruf a"),
        "penjelasan__pasal_2__ayat_2": ("ayat", "Penjelasan Pasal 2 ayat (2)"),
        "lampiran_1": ("lampiran", "Lampiran I"),
        "lampiran_1__text_1": ("text", "Lampiran I: Formulir Evaluasi"),
    }
    for eid, (kind, label) in expected.items():
        assert (elements[eid].kind, elements[eid].label) == (kind, label), eid


def test_text_is_the_elements_own_and_parents_nest() -> None:
    elements = {e.eid: e for e in parse_structure(body=FULL)}
    assert elements["bab_2"].text == "PELAKSANAAN"  # the title on the line after "BAB II"
    assert elements["bab_2__pasal_2__ayat_1"].text == "Pelatihan meliputi:"
    assert elements["bab_2__pasal_2__ayat_1__huruf_a__angka_1__huruf_a"].text == "tata naskah; dan"
    assert elements["bab_2__pasal_2__ayat_1__text_1"].text == "Pelatihan dicatat di SIASN."
    assert elements["bab_2__pasal_2"].parent_eid == "bab_2__bagian_1__paragraf_1"
    assert elements["bab_2__pasal_2__ayat_2"].parent_eid == "bab_2__pasal_2"
    assert elements["pembukaan"].text == "DENGAN RAHMAT TUHAN YANG MAHA ESA\nWALI KOTA TANGERANG SELATAN,"
    assert elements["penjelasan__pasal_2__ayat_1__huruf_a"].text.startswith("Yang dimaksud")
    assert elements["bab_2__pasal_4"].line == FULL.split("\n").index("### Pasal 4") + 1


def test_clause_index_points_into_parse_draft() -> None:
    clauses = parse_draft(FULL).clauses
    elements, heads = parse_with_heads(body=FULL)
    by = {e.eid: e for e in elements}
    assert clauses[by["bab_2__pasal_2__ayat_1__huruf_b"].clause_index].heading == "Pasal 2"
    assert clauses[by["penjelasan__pasal_2__ayat_2"].clause_index].heading == "Pasal 2"
    assert clauses[by["penjelasan__pasal_2__ayat_2"].clause_index].chapter == "Penjelasan"
    assert clauses[by["menimbang__point_a"].clause_index].heading == "Menimbang"
    # Each clause has exactly one element that is the whole clause.
    assert sorted(heads) == list(range(len(clauses)))
    assert by[heads[by["bab_2__pasal_3"].clause_index]].kind == "pasal"
    assert heads[by["penutup"].clause_index] == "penutup"


def test_the_five_catalogue_drafts_parse_strictly_with_ayat_and_huruf() -> None:
    for spec, _digest in read_specs():
        elements = parse_structure(body=spec.example.draft)
        kinds = {e.kind for e in elements}
        assert {
            "judul",
            "menimbang",
            "mengingat",
            "bab",
            "pasal",
            "ayat",
            "huruf",
            "penutup",
            "penjelasan_umum",
            "penjelasan_pasal",
        } <= kinds, spec.code
        assert len({e.eid for e in elements}) == len(elements)


def test_a_pasal_outside_any_bab_and_an_inserted_number() -> None:
    body = "# T\n### Pasal 1\n(1) Satu.\n(1a) Sisipan.\n(2) Dua.\n### Pasal 1A\nSisipan.\n### Pasal 2\nDua."
    eids = [e.eid for e in parse_structure(body=body)]
    assert eids == [
        "judul",
        "pasal_1",
        "pasal_1__ayat_1",
        "pasal_1__ayat_1a",
        "pasal_1__ayat_2",
        "pasal_1a",
        "pasal_2",
    ]


def test_an_amendment_numbers_its_pasal_in_roman() -> None:
    body = "# Perubahan\n### Pasal I\nBeberapa ketentuan diubah:\n1. Pasal 6 diubah.\n### Pasal II\nBerlaku."
    assert [e.eid for e in parse_structure(body=body)][-1] == "pasal_ii"


BROKEN = [
    ("# T\n### Pasal\nIsi.", 2, "judul pasal ditulis 'Pasal' dan nomornya", "a Pasal heading"),
    ("# T\n### Pasal Tambahan\nIsi.", 2, "bukan 'Pasal Tambahan'", "not 'Pasal Tambahan'"),
    (
        "# T\n### Pasal 1\nA.\n### Pasal 3\nB.",
        4,
        "Pasal 3 menyusul Pasal 1: penomoran tidak boleh melompat",
        "skip",
    ),
    ("# T\n### Pasal 1\nA.\n### Pasal 1\nB.", 4, "Pasal 1 ditulis sesudah Pasal 1", "may not repeat"),
    ("# T\n### Pasal 2\nA.", 2, "Pasal 2 harus dimulai dari 1", "must start at 1"),
    ("# T\n### Pasal 1\n(1) A.\n(3) C.", 4, "ayat (3) menyusul Pasal 1 ayat (1)", "numbering may not skip"),
    ("# T\n### Pasal 1\n(2) A.", 3, "ayat (2) harus dimulai dari 1", "must start at 1"),
    (
        "# T\n### Pasal 1\n(1) A:\na. x;\nc. y.",
        5,
        "huruf c menyusul Pasal 1 ayat (1) huruf a",
        "(expected: b)",
    ),
    ("# T\n### Pasal 1\n(1) A:\nb. x;", 4, "harus dimulai dari a", "must start at a"),
    ("# T\n### Pasal 1\nA:\n1. x;\n3. y.", 5, "angka 3", "numbering may not skip"),
    ("# T\n### Pasal 1\nA:\n1. x;\na. y.", 5, "satu daftar memakai satu jenis penanda", "one kind of marker"),
    ("# T\n### Pasal 1\n(1) A:\na) x;", 4, "hanya dipakai di bawah angka", "only under an angka"),
    ("# T\n## BAB I\n(1) Ayat di luar Pasal.", 3, "ayat hanya ditulis di dalam Pasal", "only inside a Pasal"),
    ("# T\n## Pembukaan\n### Menimbang\n(1) bahwa;", 4, "Menimbang diberi huruf", "Menimbang is numbered"),
    ("# T\n## Pembukaan\n### Menimbang\na. satu;\nc. dua;", 5, "Menimbang huruf c", "(expected: b)"),
    ("# T\n## Pembukaan\n### Mengingat\na. UU;", 4, "Mengingat diberi angka", "Mengingat is numbered"),
    ("# T\n## Pembukaan\n### Pertimbangan\nx", 3, "bukan 'Pertimbangan'", "not 'Pertimbangan'"),
    ("# T\n## BAB I\n### Pasal 1\nA.\n## BAB III\n### Pasal 2\nB.", 5, "BAB III menyusul BAB I", "skip"),
    (
        "# T\n## BAB I\n## BAB II\n### Pasal 1\nA.",
        3,
        "BAB I belum berisi Pasal",
        "a BAB holds at least one Pasal",
    ),
    ("# T\n## Ketentuan Lain\n### Pasal 1\nA.", 2, "judul '## Ketentuan Lain' tidak dikenal", "is not known"),
    ("# T\n## BAB I\n## Bagian Kedua\n### Pasal 1\nA.", 3, "harus dimulai dari 1", "must start at 1"),
    (
        "# T\n## BAB I\n## Paragraf 1\n### Pasal 1\nA.",
        3,
        "Paragraf 1 hanya ditulis di dalam Bagian",
        "inside a Bagian",
    ),
    (
        "# T\n### Pasal 1\nA.\n## Penjelasan\n### Pasal 1\nx\n### Pasal 1\ny",
        7,
        "Penjelasan Pasal 1 ditulis sesudah",
        "follows",
    ),
    (
        "# T\n### Pasal 1\nA.\n## Penutup\n### Tanda Tangan\nx",
        5,
        "Penutup tidak memuat judul ###",
        "no ### heading",
    ),
    ("# T\n# U\n### Pasal 1\nA.", 2, "judul (#) hanya ditulis sekali", "only once"),
]


@pytest.mark.parametrize(("body", "line", "rule", "rule_en"), BROKEN)
def test_a_broken_draft_is_refused_with_its_line_and_rule(
    body: str, line: int, rule: str, rule_en: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_structure(body=body)
    assert refused.value.detail.startswith(f"Baris {line}: "), refused.value.detail
    assert rule in refused.value.detail
    assert refused.value.detail_en.startswith(f"Line {line}: ") and rule_en in refused.value.detail_en
    assert refused.value.field == "body" and refused.value.extra["line"] == line
