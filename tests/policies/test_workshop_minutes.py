"""Workshop minutes: only a workshop that has started can have them (else the gate is met in advance)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from policies.core.db import unit_of_work
from policies.core.errors import InvalidInput
from policies.lifecycle import actions as lifecycle
from policies.lifecycle.models import Stage
from policies.workshops import actions as workshops
from tests.conftest import DRAFTER, NOW
from tests.lifecycle_walk import SLUG


def test_minutes_of_a_workshop_not_started_yet_are_refused(db: str, catalog: None) -> None:
    with unit_of_work(db) as s:
        lifecycle.advance(s, actor=DRAFTER, slug=SLUG, to_stage=Stage.WORKSHOP, now=NOW)
        coming = workshops.schedule_workshop(
            s, actor=DRAFTER, slug=SLUG, title="Lokakarya", starts_at=NOW + timedelta(days=3), location="Aula"
        )
        wid = coming.id
    with unit_of_work(db) as s, pytest.raises(InvalidInput) as refused:
        workshops.record_minutes(s, actor=DRAFTER, slug=SLUG, workshop_id=wid, minutes="Notula.", now=NOW)  # type: ignore[arg-type]
    assert refused.value.field == "workshop_id"
    assert "belum dimulai" in str(refused.value)
    with unit_of_work(db) as s:
        held = workshops.record_minutes(
            s,
            actor=DRAFTER,
            slug=SLUG,
            workshop_id=wid,
            minutes="Notula.",
            now=NOW + timedelta(days=3),  # type: ignore[arg-type]
        )
        assert held.minutes == "Notula." and held.minutes_recorded_at == NOW + timedelta(days=3)
