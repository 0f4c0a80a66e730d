"""The amending instrument's preview and download, and the consolidated text, as pages (issue 24)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.amended import JP_NEW, SLUG, amended_policy
from tests.web.conftest import sign_in


def test_instrument_preview_is_the_owners_and_the_consolidated_text_everyones(
    web: TestClient, db: str, drafter: str, other_drafter: str, admin: str
) -> None:
    made = amended_policy(db)
    # Cycle 3's proposal is not published: the public and another unit's drafter are told it is not there.
    assert web.get(f"/policies/{SLUG}/amendment").status_code == 404
    # Cycle 2's instrument, adopted and public, is everyone's to read; a visitor has no cockpit to go to.
    enacted = web.get(f"/policies/{SLUG}/amendment?version={made.second}")
    assert enacted.status_code == 200 and "Ketentuan ayat (2) Pasal 8 Peraturan Wali Kota" in enacted.text
    assert f'href="/policies/{SLUG}/cockpit"' not in enacted.text
    assert f'href="/policies/{SLUG}/consolidated"' in web.get(f"/policies/{SLUG}").text
    public = web.get(f"/policies/{SLUG}/consolidated")
    assert public.status_code == 200
    assert (
        "Teks yang berlaku setelah Peraturan Wali Kota Nomor 3 Tahun 2027 (ditetapkan 1 Maret 2027)"
        in public.text
    )
    assert "diubah dengan Peraturan Wali Kota Nomor 3 Tahun 2027" in public.text and JP_NEW in public.text
    # The Penjelasan follows the body, its entries headed and its ayat named, changes marked too.
    assert '<h3 id="penjelasan__pasal_8">Penjelasan Pasal 8</h3>' in public.text
    assert re.search(r'id="penjelasan__pasal_8__ayat_2"[^>]*>Ayat \(2\) .*diubah dengan', public.text)
    sign_in(web, other_drafter)
    assert web.get(f"/policies/{SLUG}/amendment.docx").status_code == 404
    sign_in(web, admin)
    assert web.get(f"/policies/{SLUG}/amendment").status_code == 200
    sign_in(web, drafter)
    cockpit = web.get(f"/policies/{SLUG}/cockpit").text
    assert (
        f'href="/policies/{SLUG}/amendment"' in cockpit and f'href="/policies/{SLUG}/consolidated"' in cockpit
    )
    page = web.get(f"/policies/{SLUG}/amendment")
    assert page.status_code == 200
    assert f"Peraturan perubahan untuk versi {made.proposed}" in page.text
    assert f'href="/policies/{SLUG}/cockpit"' in page.text
    assert "<blockquote>" in page.text and "Perubahan Kedua atas" in page.text
    # The drafting format is line based: each Menimbang point, Penutup and Penjelasan line stays a line.
    assert "Kebijakan Kepegawaian Aparatur Sipil Negara;<br>\nb. bahwa berdasarkan pertimbangan" in page.text
    assert "Cukup jelas.<br>\nAngka 2<br>\nPasal 9" in page.text
    download = web.get(f"/policies/{SLUG}/amendment.md?version={made.proposed}")
    assert download.headers["content-disposition"].startswith("attachment;")
    assert download.text.startswith(
        "# Peraturan Wali Kota Tangerang Selatan Nomor … Tahun … tentang Perubahan Kedua"
    )
