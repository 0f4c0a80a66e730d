"""Pages keep an earlier cycle's consultation: the staff's comment list reads it by ?cycle= too."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlmodel import select

from policies.core.db import unit_of_work
from policies.drafting.queries import latest_version
from policies.evaluation.models import SurveyRound
from policies.lifecycle.queries import get_policy
from policies.rollout.models import Adoption
from tests.second_cycle import FIRST_ANSWERED, FIRST_HIDDEN, SECOND_COMMENT, SLUG, second_consultation
from tests.web.conftest import sign_in


def test_triage_lists_an_earlier_cycles_comments_by_its_cycle(web: TestClient, db: str, drafter: str) -> None:
    record = second_consultation(db)
    sign_in(web, drafter)
    first = web.get(f"/policies/{SLUG}/triage", params={"cycle": 1})
    assert first.status_code == 200
    listed = [c.id for c in first.context["page"].items]  # type: ignore[attr-defined]
    assert sorted(listed) == [record.answered, record.hidden]
    assert FIRST_ANSWERED in first.text and FIRST_HIDDEN in first.text  # the owning unit reads hidden text
    assert '<input type="hidden" name="cycle" value="1">' in first.text and "(siklus 1)" in first.text
    assert first.context["undisposed"] == 0  # type: ignore[attr-defined]
    now = web.get(f"/policies/{SLUG}/triage")
    assert [c.id for c in now.context["page"].items] == [record.second_comment]  # type: ignore[attr-defined]
    assert SECOND_COMMENT in now.text and FIRST_ANSWERED not in now.text
    assert web.get(f"/policies/{SLUG}/triage", params={"cycle": 7}).status_code == 404
    for junk in ("0", "x", "9" * 5000, "١"):  # not a cycle: the current cycle's list
        assert web.get(f"/policies/{SLUG}/triage", params={"cycle": junk}).status_code == 200


def test_every_cycles_adoption_and_survey_round_stay_on_the_policy_page(web: TestClient, db: str) -> None:
    """Cycle 2's adoption does not push cycle 1's instrument off the page, nor its survey round's report."""
    second_consultation(db)
    with unit_of_work(db) as s:
        policy = get_policy(s, slug=SLUG)
        first = s.exec(select(Adoption).where(Adoption.policy_id == policy.id)).one()
        assert first.cycle == 1
        # Cycle 2 adopted too (written as the rollout action would, without walking the whole cycle).
        version = latest_version(s, policy_id=policy.id, published=True)
        s.add(
            Adoption(
                policy_id=policy.id,
                cycle=2,
                version_id=version.id,
                instrument_type="Peraturan Wali Kota",
                number="7 Tahun 2027",
                adopted_on=date(2027, 3, 1),
                signed_by="Wali Kota Tangerang Selatan",
            )
        )
        first_number = first.number
    page = web.get(f"/policies/{SLUG}")
    assert page.status_code == 200
    assert "Nomor 7 Tahun 2027," in page.text and f"Nomor {first_number}," in page.text
    assert 'id="adoption-cycle-1"' in page.text and 'id="adoption-cycle-2"' in page.text
    with unit_of_work(db) as s:
        (first_round,) = s.exec(select(SurveyRound.id).where(SurveyRound.cycle == 1)).all()
    address = f"/evaluation/rounds/{first_round}/report"
    assert f'href="{address}"' in page.text
    assert web.get(address).status_code == 200
