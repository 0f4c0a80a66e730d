"""A policy adopted twice (version 1, then an amended version 2), readers in three units, and a scope map."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session

from policies.accounts.access import Actor
from policies.accounts.actions import actor_of
from policies.accounts.models import Account, Role
from policies.core.db import unit_of_work, utcnow
from policies.drafting import versions as drafts
from policies.drafting.models import DraftVersion
from policies.drafting.queries.elements import elements_of
from policies.lifecycle.queries import get_policy
from policies.rollout import actions as rollout
from policies.rollout import resocialization
from policies.rollout.models import Adoption
from tests.conftest import DRAFTER
from tests.lifecycle_walk import SLUG

V1 = """# Perwal Uji
## BAB I KETENTUAN UMUM
### Pasal 1
(1) Guru mengikuti pelatihan paling sedikit 20 JP setiap tahun.
(2) Hasil pelatihan dicatat di SIASN.
### Pasal 2
Tenaga kesehatan mengikuti pelatihan klinis setiap tahun.
### Pasal 3
Pendanaan bersumber dari APBD.
"""
# The amendment changes Pasal 1 ayat (1) (schools) and Pasal 3 (nobody's in particular).
V2 = V1.replace("paling sedikit 20 JP", "paling sedikit 24 JP").replace("dari APBD.", "dari APBD dan BLUD.")
SCHOOLS, HEALTH, FINANCE = "Dinas Pendidikan", "Dinas Kesehatan", "BPKAD"


@dataclass
class Adopted:
    """What the setup made."""

    readers: dict[str, Account]  # by unit
    v1: DraftVersion
    v2: DraftVersion
    keys: dict[str, str]  # element label → key


def _adopt(s: Session, *, version: DraftVersion, cycle: int) -> None:
    # An amendment's adoption is recorded by its own flow (another part of issue 25's work); here its row.
    policy = get_policy(s, slug=SLUG)
    s.add(
        Adoption(
            policy_id=policy.id,  # type: ignore[arg-type]
            cycle=cycle,
            version_id=version.id,  # type: ignore[arg-type]
            instrument_type="Peraturan Wali Kota",
            number=f"4{cycle}",
            adopted_on=date(2026, 9, cycle),
            signed_by="Wali Kota",
        )
    )
    s.flush()


def readers_named(db: str, *, email: str, unit: str) -> Account:
    """Make one more ASN reader, in a unit."""
    account = Account(
        email=email,
        name="ASN Baru",
        role=Role.STAKEHOLDER,
        group="asn",
        unit=unit,
        password_hash="x",
        email_verified_at=utcnow(),
    )
    with unit_of_work(db) as s:
        s.add(account)
        s.flush()
    return account


def readers(db: str) -> dict[str, Account]:
    """Make one ASN reader in each unit."""
    made = {
        unit: Account(
            email=f"asn-{i}@pemkot.example.id",
            name=f"ASN {unit}",
            role=Role.STAKEHOLDER,
            group="asn",
            unit=unit,
            password_hash="x",
            email_verified_at=utcnow(),
        )
        for i, unit in enumerate((SCHOOLS, HEALTH, FINANCE))
    }
    with unit_of_work(db) as s:
        for account in made.values():
            s.add(account)
        s.flush()
    return made


def adopt_twice(
    db: str, *, drafter: Actor = DRAFTER, scoped: bool = True, people: dict[str, Account] | None = None
) -> Adopted:
    """Adopt version 1, let every reader acknowledge it, map elements to units, adopt version 2."""
    people = people if people is not None else readers(db)
    start = utcnow() - timedelta(days=2)
    with unit_of_work(db) as s:
        v1 = drafts.create_version(s, actor=drafter, slug=SLUG, body=V1, change_note="Versi uji.")
        drafts.publish_version(s, actor=drafter, slug=SLUG, number=v1.number, now=start)
        _adopt(s, version=v1, cycle=1)
        for account in people.values():
            rollout.acknowledge(s, actor=actor_of(account), slug=SLUG, now=start + timedelta(hours=1))
        keys = {e.label: e.key for e in elements_of(session=s, version_id=v1.id)}  # type: ignore[arg-type]
        if scoped:
            resocialization.add_scope(
                s, actor=drafter, slug=SLUG, element_key=keys["Pasal 1 ayat (1)"], unit=SCHOOLS
            )
            resocialization.add_scope(s, actor=drafter, slug=SLUG, element_key=keys["Pasal 2"], unit=HEALTH)
        v2 = drafts.create_version(s, actor=drafter, slug=SLUG, body=V2, change_note="Perubahan.")
        drafts.publish_version(s, actor=drafter, slug=SLUG, number=v2.number, now=start + timedelta(days=1))
        _adopt(s, version=v2, cycle=2)
    return Adopted(readers=people, v1=v1, v2=v2, keys=keys)


def now() -> datetime:
    """Return the moment the re-acknowledgement is asked."""
    return utcnow()
