"""In the pages only (once the scene is set): a citizen follows a policy and chooses a daily digest for
new stages; the drafter maps a part of the adopted text to a unit and asks that unit to read again; an
ASN of that unit reads only the changed part and confirms; the drafter sees the reach per unit and version."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import select

from policies.accounts.models import Account, Role, StakeholderGroup
from policies.core.db import unit_of_work
from policies.core.settings import Settings
from tests.browser.conftest import axe_violations, open_tab
from tests.policies.reack_setup import HEALTH, SCHOOLS, adopt_twice
from tests.service.conftest import ACCOUNTS, PASSWORD, SLUG, make_token

pytestmark = pytest.mark.browser


def _tab(browser: Browser, server: str, email: str) -> Page:
    _, tab = open_tab(browser, server, viewport={"width": 1280, "height": 900})
    tab.goto("/login")
    tab.get_by_label("Email").fill(email)
    tab.get_by_label("Kata sandi").fill(PASSWORD)
    tab.get_by_role("button", name="Masuk").click()
    expect(tab.get_by_role("button", name=re.compile("Keluar"))).to_be_visible()
    return tab


@pytest.fixture
def tabs(browser: Browser, server: str) -> Iterator[dict[str, Page]]:
    """One signed-in tab per person, each with its own cookies."""
    made: dict[str, Page] = {}
    yield made  # the test adds each signed-in tab
    for tab in made.values():
        tab.context.close()


def test_citizen_chooses_a_daily_digest_and_an_asn_reads_only_the_changes(
    browser: Browser, server: str, settings: Settings, tabs: dict[str, Page]
) -> None:
    db = settings.database_url
    make_token(db, email="warga@example.id", role=Role.STAKEHOLDER, name="Budi Warga")
    make_token(db, **ACCOUNTS["drafter"])
    make_token(db, **ACCOUNTS["stakeholder"])  # an ASN of the Dinas Pendidikan
    # The health office's reader is not asked (tests/service/test_resocialization_api.py shows why).
    make_token(db, email="nurse@asn.test", role=Role.STAKEHOLDER, group=StakeholderGroup.ASN, unit=HEALTH)
    with unit_of_work(db) as s:
        readers = {a.unit: a for a in s.exec(select(Account).where(Account.group == "asn"))}
    made = adopt_twice(db, people=readers, scoped=False)

    # The citizen follows the policy and chooses a daily digest for new stages.
    citizen = tabs["citizen"] = _tab(browser, server, "warga@example.id")
    citizen.goto(f"/policies/{SLUG}")
    citizen.get_by_role("button", name="Ikuti kebijakan ini").click()
    expect(citizen.locator("#follow")).to_contain_text("Anda mengikuti kebijakan ini.")
    citizen.locator("#follow").get_by_role("link", name="Pengaturan pemberitahuan").click()
    citizen.get_by_label("Tahap baru").select_option("daily")
    citizen.get_by_role("button", name="Simpan pengaturan pemberitahuan").click()
    expect(citizen.get_by_role("status")).to_have_text("Pengaturan pemberitahuan Anda tersimpan.")
    expect(citizen.get_by_label("Tahap baru")).to_have_value("daily")
    expect(citizen.get_by_label("Jawaban atas masukan saya")).to_have_value("immediate")
    assert axe_violations(citizen) == []

    # The drafter maps Pasal 1 ayat (1) to the Dinas Pendidikan and asks again.
    drafter = tabs["drafter"] = _tab(browser, server, ACCOUNTS["drafter"]["email"])
    drafter.goto(f"/policies/{SLUG}")
    drafter.get_by_role("link", name="Bagian mana berlaku bagi siapa").click()
    drafter.get_by_label("Bagian teks").select_option(label="Pasal 1 ayat (1)")
    drafter.get_by_label("Unit kerja").fill(SCHOOLS)
    drafter.get_by_role("button", name="Petakan bagian ke unit").click()
    expect(drafter.locator("#scopes tbody")).to_contain_text("Pasal 1 ayat (1)")
    drafter.get_by_role("button", name="Minta unit yang terkena perubahan membaca ulang").click()
    expect(drafter.get_by_role("status")).to_have_text("Permintaan membaca ulang diantrekan: 2.")
    assert axe_violations(drafter) == []

    # The ASN of that unit: the inbox asks, the page shows only the changed part.
    asn = tabs["asn"] = _tab(browser, server, ACCOUNTS["stakeholder"]["email"])
    asn.goto("/inbox")
    expect(asn.locator("main")).to_contain_text("Mohon baca perubahan yang berlaku bagi unit Anda")
    asn.goto(f"/policies/{SLUG}")
    asn.get_by_role("link", name="Baca perubahannya saja").click()
    changes = asn.locator("#changes li")
    expect(changes).to_have_count(1)
    expect(changes.first).to_contain_text("Pasal 1 ayat (1)")
    expect(changes.first.locator("ins")).to_contain_text("24")
    expect(asn.locator("main")).not_to_contain_text("BLUD")  # Pasal 3 changed, but not for this unit
    assert axe_violations(asn) == []
    asn.get_by_role("button", name="Saya telah membaca perubahan ini").click()
    expect(asn.locator("#done")).to_have_text(f"Anda telah mengonfirmasi membaca versi {made.v2.number}.")

    drafter.reload()
    reach = drafter.locator("#reach")
    expect(reach.locator("tr", has_text=SCHOOLS).first).to_contain_text("1")
    expect(reach.locator("table").last).to_contain_text(SCHOOLS)
