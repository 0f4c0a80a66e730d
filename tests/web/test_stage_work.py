"""Stage work retired as obsolete is visible: the history API and the cockpit say which step and why."""

from __future__ import annotations

import html

from fastapi.testclient import TestClient
from sqlmodel import select

from policies.core.db import unit_of_work, utcnow
from policies.lifecycle import stagework
from policies.lifecycle.models import Policy, Stage, StageEvent
from policies.lifecycle.spec import SPEC
from tests.service.conftest import auth
from tests.web.conftest import SLUG, sign_in, use_english

COCKPIT = f"/policies/{SLUG}/cockpit"


def _run_drafting_work(db: str) -> None:
    """Run the catalogue policy's drafting work as its (late) flow run would, then mark it done."""
    with unit_of_work(db) as s:
        policy = s.exec(select(Policy).where(Policy.slug == SLUG)).one()
        event = s.exec(
            select(StageEvent).where(StageEvent.policy_id == policy.id).order_by(StageEvent.id)  # type: ignore[arg-type]
        ).first()
        assert event is not None and event.to_stage == Stage.DRAFTING
        steps = SPEC[Stage.DRAFTING].entry_work
        for step in steps:
            stagework.run_step(s, step=step, event_id=event.id, now=utcnow())  # type: ignore[arg-type]
        stagework.mark_done(s, event_id=event.id, steps=[step.name for step in steps])  # type: ignore[arg-type]


def test_the_history_and_the_cockpit_say_what_was_retired_and_why(web: TestClient, drafter: str) -> None:
    withdrawn = web.post(
        f"/api/v1/policies/{SLUG}/withdraw", headers=auth(drafter), json={"reason": "Digantikan Perwal baru."}
    )
    assert withdrawn.status_code == 200, withdrawn.text
    _run_drafting_work(web.app.state.settings.database_url)  # type: ignore[attr-defined]

    first = web.get(f"/api/v1/policies/{SLUG}/history").json()[0]
    assert first["work_state"] == "retired"
    (retired,) = first["retired_work"]
    assert retired["step"] == "create-working-version"
    assert retired["reason"].startswith("Kebijakan dicabut sebelum langkah ini berjalan")
    assert retired["reason_en"].startswith("The policy was withdrawn before this step ran")

    sign_in(web, drafter)
    page = html.unescape(web.get(COCKPIT).text)
    history = page.split('id="history"', 1)[1]
    assert "dihentikan karena usang" in history
    assert f"Tidak dikerjakan: create-working-version. {retired['reason']}" in history
    use_english(web)
    english = html.unescape(web.get(COCKPIT).text).split('id="history"', 1)[1]
    assert "retired as obsolete" in english
    assert f"Not done: create-working-version. {retired['reason_en']}" in english
