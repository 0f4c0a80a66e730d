"""Real faults for the tests of failure isolation: the database itself refuses, nothing is mocked."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlmodel import select

from policies.consultation.models import ConsultationWindow
from policies.core.db import get_engine, unit_of_work
from policies.drafting.models import DraftVersion
from policies.lifecycle.models import Policy

OTHER_SLUG = "perwal-pengelolaan-jabatan-asn-2026"
REFUSAL = "pengingat ditolak oleh basis data"


@contextmanager
def reminders_refused(database_url: str, *, policy_id: int) -> Iterator[None]:
    """Make the database refuse every new reminder of one policy, as a broken row or constraint would."""
    engine = get_engine(database_url)
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as conn:
        if postgres:
            conn.exec_driver_sql(
                "CREATE FUNCTION siklus_refuse() RETURNS trigger LANGUAGE plpgsql AS "
                f"$$ BEGIN RAISE EXCEPTION '{REFUSAL}'; END $$"
            )
            conn.exec_driver_sql(
                "CREATE TRIGGER siklus_refuse BEFORE INSERT ON reminder FOR EACH ROW "
                f"WHEN (NEW.policy_id = {int(policy_id)}) EXECUTE FUNCTION siklus_refuse()"
            )
        else:
            conn.exec_driver_sql(
                "CREATE TRIGGER siklus_refuse BEFORE INSERT ON reminder "
                f"WHEN NEW.policy_id = {int(policy_id)} BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
            )
    try:
        yield
    finally:
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP TRIGGER siklus_refuse" + (" ON reminder" if postgres else ""))
            if postgres:
                conn.exec_driver_sql("DROP FUNCTION siklus_refuse()")


def policy_id_of(database_url: str, slug: str) -> int:
    """Return a policy's id."""
    with unit_of_work(database_url) as s:
        return s.exec(select(Policy.id).where(Policy.slug == slug)).one()  # type: ignore[return-value]


def due_window(database_url: str, *, slug: str = OTHER_SLUG, closes_at: datetime) -> int:
    """Give a catalogue policy a consultation window on its first version that ended at `closes_at`."""
    with unit_of_work(database_url) as s:
        policy = s.exec(select(Policy).where(Policy.slug == slug)).one()
        version = s.exec(select(DraftVersion).where(DraftVersion.policy_id == policy.id)).first()
        assert version is not None  # the catalogue's worked draft
        window = ConsultationWindow(
            policy_id=policy.id,  # type: ignore[arg-type]
            cycle=policy.cycle,
            version_id=version.id,  # type: ignore[arg-type]
            opens_at=closes_at - timedelta(days=30),
            closes_at=closes_at,
        )
        s.add(window)
        s.flush()
        return window.id  # type: ignore[return-value]
