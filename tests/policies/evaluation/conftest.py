"""Fixtures for the evaluation domain: a catalogue policy standing in the evaluation stage."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from policies.accounts.access import Actor
from policies.accounts.models import Account, Role
from policies.core.db import unit_of_work
from policies.evaluation import ikm
from policies.evaluation.models import Indicator
from policies.lifecycle.models import Stage
from policies.lifecycle.queries import get_policy
from tests.conftest import NOW

SLUG = "perwal-peningkatan-kualitas-asn-2026"
# The app secret the tokens of these tests derive from (the settings fixture's, so links agree).
SECRET = "test-secret-key-not-for-production"
UNIT = "BKPSDM Kota Tangerang Selatan"


def answers(scores: list[int] | int = 3, **extra: Any) -> dict[str, Any]:
    """Return a full, valid answer sheet for the peningkatan-kualitas-asn kind."""
    values = scores if isinstance(scores, list) else [scores] * 9
    sheet: dict[str, Any] = dict(zip(ikm.UNSUR_CODES, values, strict=True))
    sheet |= {
        "kualitas_pelatihan": 3,
        "manfaat_mentoring": 3,
        "format_pelatihan": "Daring mandiri",
        "unit": "Dinas Kesehatan",
        "golongan": "III",
        "years_of_service": 8,
    }
    sheet.update(extra)
    return sheet


def csv_of(n: int, *, unit: str = "Dinas Kesehatan", start: int = 0) -> str:
    """Return a population CSV of n ASN with valid 18-digit NIPs."""
    lines = ["nip,nama,unit,email"]
    lines += [
        f"1985010120100{start + i:05d},ASN {start + i},{unit},asn{start + i}@tangsel.go.id" for i in range(n)
    ]
    return "\n".join(lines) + "\n"


@pytest.fixture
def staff(db: str) -> dict[str, Actor]:
    """An evaluator and a drafter of the owning unit, as accounts and actors."""
    with unit_of_work(db) as s:
        ev = Account(
            email="evaluator@tangsel.go.id",
            name="Eva Luator",
            password_hash="x",
            role=Role.EVALUATOR,
            unit=UNIT,
        )
        dr = Account(
            email="drafter@tangsel.go.id",
            name="Rina Perancang",
            password_hash="x",
            role=Role.DRAFTER,
            unit=UNIT,
        )
        s.add(ev)
        s.add(dr)
        s.flush()
        return {
            "evaluator": Actor(id=ev.id, name=ev.name, role=Role.EVALUATOR, unit=UNIT),
            "drafter": Actor(id=dr.id, name=dr.name, role=Role.DRAFTER, unit=UNIT),
        }


@pytest.fixture
def in_evaluation(db: str, catalog: None) -> Iterator[str]:
    """Put the catalogue's peningkatan-kualitas-asn policy in evaluation (the walk is tested elsewhere)."""
    with unit_of_work(db) as s:
        policy = get_policy(s, slug=SLUG)
        policy.stage = Stage.EVALUATION
        policy.stage_changed_at = NOW - timedelta(days=1)
        s.add(policy)
    yield SLUG


def open_at(s: Session, actor: Actor, *, opens_at: datetime, days: int = 30, slug: str = SLUG) -> Any:
    """Open a round of `slug` at `opens_at` for `days`, the clock standing at NOW."""
    from policies.evaluation.rounds import open_round

    closes_at = opens_at + timedelta(days=days)
    return open_round(s, actor=actor, slug=slug, opens_at=opens_at, closes_at=closes_at, now=NOW)


def open_now(s: Session, actor: Actor, *, days: int = 30) -> Any:
    """Open a round at NOW for `days`."""
    return open_at(s, actor, opens_at=NOW, days=days)


def populate(s: Session, actor: Actor, survey: Any, *, n: int, now: datetime | None = NOW) -> Any:
    """Import a population CSV of `n` ASN (csv_of) into the round; return the import, tokens and all."""
    from policies.evaluation.population import import_population_csv

    return import_population_csv(
        s, actor=actor, round_id=survey.id, secret=SECRET, csv_text=csv_of(n), now=now
    )


def indicator(s: Session, code: str) -> Indicator:
    """Return the evaluated policy's indicator `code`."""
    policy = get_policy(s, slug=SLUG)
    return s.exec(select(Indicator).where(Indicator.code == code, Indicator.policy_id == policy.id)).one()


def answer_and_close(
    db: str, actor: Actor, *, round_id: int, sheets: Iterable[tuple[Any, dict[str, Any]]]
) -> None:
    """Submit each (issued token, answer sheet) a day after NOW, then close the round ten days after NOW."""
    from policies.evaluation import responses, rounds

    with unit_of_work(db) as s:
        for token, sheet in sheets:
            responses.submit_response(s, token=token.token, answers=sheet, now=NOW + timedelta(days=1))
    with unit_of_work(db) as s:
        rounds.close_round(s, actor=actor, round_id=round_id, now=NOW + timedelta(days=10))
