"""The follow-up section of the rounds page: a plan per weak unsur, moved on to done, refusals in place;
the trends section with its charts; both readable in English too."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from lxml import etree

from policies.accounts.access import Actor
from policies.accounts.models import Role
from policies.core.db import unit_of_work, utcnow
from policies.evaluation import measurements
from policies.lifecycle.models import Stage
from policies.lifecycle.queries import get_policy
from tests.policies.evaluation.conftest import SLUG, indicator
from tests.policies.evaluation.followup_setup import BETTER_U8, WEAK_U8, closed_round, sheets
from tests.service.conftest import UNIT
from tests.web.conftest import csrf_of, sign_in, use_english

ROUNDS = f"/policies/{SLUG}/evaluation/rounds"
EVALUATOR = Actor(id=None, name="Eva Evaluator", role=Role.EVALUATOR, unit=UNIT)


@pytest.fixture
def weak_round(db: str, web: TestClient) -> int:
    with unit_of_work(db) as s:
        policy = get_policy(s, slug=SLUG)
        policy.stage = Stage.EVALUATION
        s.add(policy)
    start = utcnow() - timedelta(days=40)
    return closed_round(db, EVALUATOR, opens_at=start, sheets=sheets(WEAK_U8, units={"Dinas Kesehatan": 6}))


def send(web: TestClient, path: str, data: dict[str, str]):
    token = csrf_of(web, "/login")
    return web.post(
        path, data={"csrf_token": token, **data}, headers={"Accept": "text/html"}, follow_redirects=False
    )


def test_the_drafter_plans_for_the_weak_unsur_and_marks_it_done(
    db: str, web: TestClient, drafter: str, weak_round: int
) -> None:
    with unit_of_work(db) as s:  # an indicator below its target: 14,5 JP against 20
        jp = indicator(s, "jp_per_asn")
        measurements.record_measurement(
            s, actor=EVALUATOR, indicator_id=jp.id, value=14.5, round_id=weak_round
        )
    sign_in(web, drafter)
    page = web.get(ROUNDS)
    assert page.status_code == 200
    # The indicator goes by its name (its code jp_per_asn is internal); an unsur keeps the regulation's U8.
    heading = re.search(rf'id="weak-{weak_round}-indicator-jp_per_asn">\s*<h(\d)>([^<]*)<', page.text)
    assert heading is not None
    assert heading.group(2).strip() == "Rata-rata jam pelajaran pengembangan kompetensi per ASN per tahun"
    assert re.search(rf'id="weak-{weak_round}-unsur-u8">\s*<h\d>U8 Penanganan Pengaduan', page.text)
    # One form for the one weak unsur (u8, mutu D); the strong ones get none.
    assert (
        f'id="weak-{weak_round}-unsur-u8"' in page.text
        and f'id="weak-{weak_round}-unsur-u1"' not in page.text
    )
    assert "NRR 2,00, mutu D" in page.text
    due = (utcnow() + timedelta(days=30)).date()
    plan = {"round_id": str(weak_round), "subject": "unsur", "code": "u8", "owner_unit": "Sekretariat BKPSDM"}

    blank = send(web, f"/policies/{SLUG}/evaluation/followup", plan | {"action": "", "due_on": ""})
    assert blank.status_code == 422
    assert 'id="action-error"' in blank.text and "Tulis rencana tindak lanjutnya." in blank.text
    assert 'id="due_on-error"' in blank.text and 'value="Sekretariat BKPSDM"' in blank.text  # kept
    past = send(
        web, f"/policies/{SLUG}/evaluation/followup", plan | {"action": "Latih.", "due_on": "2020-01-01"}
    )
    assert past.status_code == 422 and "sudah lewat" in past.text

    made = send(
        web,
        f"/policies/{SLUG}/evaluation/followup",
        plan | {"action": "Buka kanal pengaduan.", "due_on": due.isoformat()},
    )
    assert made.status_code == 303 and made.headers["location"].endswith(f"#followup-{weak_round}")
    page = web.get(ROUNDS).text
    item_id = int(re.search(r'id="plan-(\d+)"', page).group(1))  # type: ignore[union-attr]
    assert "Buka kanal pengaduan." in page and "Direncanakan" in page

    unsaid = send(
        web, f"/policies/{SLUG}/evaluation/followup/update", {"item_id": str(item_id), "status": "done"}
    )
    assert unsaid.status_code == 422 and 'id="done_note-error"' in unsaid.text
    done = send(
        web,
        f"/policies/{SLUG}/evaluation/followup/update",
        {"item_id": str(item_id), "status": "done", "done_note": "Kanal dibuka pada <b>Maret</b>."},
    )
    assert done.status_code == 303
    page = web.get(ROUNDS).text
    assert "Kanal dibuka pada &lt;b&gt;Maret&lt;/b&gt;." in page  # escaped
    assert f'name="item_id" value="{item_id}"' not in page  # done: no form left

    # The trends section: the IKM chart, the unsur strips, well-formed, titled.
    svgs = re.findall(r"<svg .*?</svg>", page, flags=re.S)
    trend = [etree.fromstring(svg.encode()) for svg in svgs if 'class="trend-chart"' in svg]
    assert [t.get("id") for t in trend] == ["trend-ikm", "trend-unsur", "trend-unit"]

    # Round 2 shows what round 1's plan achieved; each cell carries its column's name, so a phone
    # shows the outcome as a card of labelled figures instead of six columns scrolled sideways.
    better = sheets(BETTER_U8, units={"Dinas Kesehatan": 6})
    closed_round(db, EVALUATOR, opens_at=utcnow() - timedelta(days=20), sheets=better)
    page = web.get(ROUNDS).text
    assert f'<tr id="outcome-{item_id}">' in page
    assert '<td data-label="Putaran 1">2,00 (D)</td><td data-label="Putaran 2">3,00 (C)</td>' in re.sub(
        r">\s+<", "><", page
    )
    assert '<td class="delta" data-label="Perubahan">+1,00 — membaik</td>' in page
    use_english(web)
    english = web.get(ROUNDS).text
    assert "Follow-up plan (rencana tindak lanjut)" in english and "IKM across rounds" in english
    assert "Trends across rounds and years" in english


def test_strangers_cannot_plan(
    web: TestClient, other_drafter: str, stakeholder: str, weak_round: int
) -> None:
    for token in (other_drafter, stakeholder):
        sign_in(web, token)
        refused = send(web, f"/policies/{SLUG}/evaluation/followup", {"round_id": str(weak_round)})
        assert refused.status_code == 403
        refused = send(web, f"/policies/{SLUG}/evaluation/followup/update", {"item_id": "1"})
        assert refused.status_code == 403
