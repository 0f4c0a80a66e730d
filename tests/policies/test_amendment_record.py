"""The amending instrument and consolidated text of the catalogue policy, read from the record (issue 24)."""

from __future__ import annotations

from datetime import date

import pytest

from policies.core.db import unit_of_work
from policies.core.errors import Conflict, NotFound
from policies.drafting.amendment.consolidated import consolidated_text
from policies.drafting.amendment.documents import amending_instrument
from policies.drafting.queries import get_version
from policies.drafting.structure import parse_structure
from policies.drafting.versions import create_version
from policies.lifecycle.queries import get_policy
from tests.amended import MENTEES_NEW, NEW_AYAT, SECOND, SLUG, WHY_NEW, amended_policy
from tests.conftest import DRAFTER


def test_second_amendment_of_the_catalogue_policy(db: str, catalog: None) -> None:
    """Cycle 3's proposal amends Perwal 45/2026 as amended by Perwal 3/2027: "Perubahan Kedua"."""
    made = amended_policy(db)
    with unit_of_work(db) as s:
        doc = amending_instrument(s, actor=DRAFTER, slug=SLUG)
    assert (doc.adopted_version, doc.proposed_version, doc.ordinal, doc.advice) == (
        made.second,
        made.proposed,
        2,
        "amend",
    )
    assert doc.title == (
        "Peraturan Wali Kota Tangerang Selatan Nomor … Tahun … tentang Perubahan Kedua atas Peraturan Wali "
        "Kota Tangerang Selatan Nomor 45 Tahun 2026 tentang Kebijakan Kepegawaian Aparatur Sipil Negara"
    )
    assert [c.sentence for c in doc.changes] == [
        "Ketentuan ayat (3) Pasal 7 diubah sehingga Pasal 7 berbunyi sebagai berikut:",
        "Ketentuan Pasal 9 ditambah 1 (satu) ayat, yakni ayat (6) sehingga Pasal 9 berbunyi sebagai berikut:",
    ]
    assert (
        "sebagaimana telah diubah dengan Peraturan Wali Kota Tangerang Selatan Nomor 3 Tahun 2027"
        in doc.amending
    )
    assert f"   > (3) Setiap pendamping mendampingi {MENTEES_NEW}" in doc.amending
    assert f"   > {NEW_AYAT}" in doc.amending
    assert {"pasal_i", "pasal_ii"} <= {e.eid for e in parse_structure(body=doc.amending)}


def test_consolidated_text_marks_each_change_by_its_instrument(db: str, catalog: None) -> None:
    """After Perwal 3/2027, Pasal 8 ayat (2) is marked changed by it; before, nothing is marked."""
    amended_policy(db)
    with unit_of_work(db) as s:
        now = consolidated_text(s, slug=SLUG)
        then = consolidated_text(s, slug=SLUG, at=date(2026, 12, 31))
        with pytest.raises(NotFound) as refused:
            consolidated_text(s, slug=SLUG, at=date(2026, 1, 1))
    assert [p.instrument for p in now.points] == [
        "Peraturan Wali Kota Nomor 45 Tahun 2026",
        "Peraturan Wali Kota Nomor 3 Tahun 2027",
    ]
    marked = [(r.label, r.mark.how, r.mark.by.instrument) for r in now.rows if r.mark]
    by_3_2027 = "Peraturan Wali Kota Nomor 3 Tahun 2027"
    assert [m[0] for m in marked] == ["Pasal 8 ayat (2)", "Penjelasan Pasal 8 ayat (2)"]
    assert {(how, by) for _label, how, by in marked} == {("changed", by_3_2027)}
    explained = next(r for r in now.rows if r.label == "Penjelasan Pasal 8 ayat (2)")
    assert explained.marker == "Ayat (2)" and WHY_NEW in explained.text
    assert next(r.marker for r in now.rows if r.label == "Pasal 8 ayat (2)") == "(2)"
    assert now.at.adopted_on == SECOND and "24 (dua puluh empat) JP" in next(
        r.text for r in now.rows if r.label == "Pasal 8 ayat (2)"
    )
    assert then.at.instrument.endswith("45 Tahun 2026") and not [r for r in then.rows if r.mark]
    assert "20 (dua puluh) JP" in next(r.text for r in then.rows if r.label == "Pasal 8 ayat (2)")
    assert "1 Januari 2026" in str(refused.value)


def test_a_proposal_that_reads_as_the_adopted_text_has_nothing_to_amend(db: str, catalog: None) -> None:
    made = amended_policy(db)
    with unit_of_work(db) as s:
        adopted = get_version(s, policy_id=get_policy(s, slug=SLUG).id, number=made.second)  # type: ignore[arg-type]
        again = create_version(s, actor=DRAFTER, slug=SLUG, body=adopted.body).number
        with pytest.raises(Conflict) as refused:
            amending_instrument(s, actor=DRAFTER, slug=SLUG)
    assert str(refused.value) == (
        f"Versi {again} sama dengan teks yang ditetapkan (versi {made.second}): tidak ada yang perlu diubah."
    )
