"""Element scopes by position (jabatan): only the holders of a position a change applies to read again."""

from __future__ import annotations

from sqlmodel import select

from policies.accounts import actions as accounts
from policies.accounts.access import Actor
from policies.accounts.actions import actor_of
from policies.accounts.models import Account, Role
from policies.core.db import unit_of_work, utcnow
from policies.core.errors import InvalidInput
from policies.lifecycle.queries import get_policy
from policies.outbox.models import Channel, Reminder
from policies.rollout import resocialization
from policies.rollout.reach import PositionReach, UnitReach, reach_by_position, reach_by_unit
from tests.conftest import DRAFTER
from tests.lifecycle_walk import SLUG
from tests.policies.reack_setup import FINANCE, HEALTH, SCHOOLS, adopt_twice, now

ADMIN = Actor(id=None, name="Admin", role=Role.ADMIN)


def _people(db: str) -> dict[str, Account]:
    # A teacher (no jabatan), a health officer who heads a school (spelled in lower case), a treasurer.
    made = {
        name: Account(
            email=f"{name}@pemkot.example.id",
            name=name,
            role=Role.STAKEHOLDER,
            group="asn",
            unit=unit,
            position=position,
            password_hash="x",
            email_verified_at=utcnow(),
        )
        for name, unit, position in (
            ("guru", SCHOOLS, ""),
            ("kepsek", HEALTH, "kepala  sekolah"),
            ("bendahara", FINANCE, "Bendahara"),
        )
    }
    with unit_of_work(db) as s:
        for account in made.values():
            s.add(account)
        s.flush()
    return made


def _asked(s: object) -> set[int | None]:
    rows = s.exec(select(Reminder).where(Reminder.template == "reacknowledgement_request"))  # type: ignore[attr-defined]
    return {r.recipient_account_id for r in rows if r.channel == Channel.INBOX}


def test_a_position_scope_asks_only_that_positions_readers(db: str, catalog: None) -> None:
    people = _people(db)
    made = adopt_twice(db, scoped=False, people=people)
    with unit_of_work(db) as s:
        scope = resocialization.add_scope(
            s, actor=DRAFTER, slug=SLUG, element_key=made.keys["Pasal 1"], position=" Kepala Sekolah "
        )
        assert (scope.unit, scope.position) == ("", "Kepala Sekolah")
        # The same position in another case is the same mapping, not a second one.
        again = resocialization.add_scope(
            s, actor=DRAFTER, slug=SLUG, element_key=made.keys["Pasal 1"], position="KEPALA SEKOLAH"
        )
        assert again.id == scope.id
        assert resocialization.request_reacknowledgements(s, slug=SLUG, now=now()) == 2  # email + inbox
        assert _asked(s) == {people["kepsek"].id}
        kepsek = resocialization.what_to_read(s, actor=actor_of(people["kepsek"]), slug=SLUG)
        assert [c.new_label for c in kepsek.changes] == ["Pasal 1 ayat (1)"]  # through its Pasal
        # The teacher's unit is the schools', but the change was mapped to the position only.
        assert resocialization.what_to_read(s, actor=actor_of(people["guru"]), slug=SLUG).carried


def test_unit_and_position_scopes_together(db: str, catalog: None) -> None:
    people = _people(db)
    made = adopt_twice(db, people=people)  # Pasal 1 ayat (1) → schools, Pasal 2 → health
    with unit_of_work(db) as s:
        resocialization.add_scope(
            s, actor=DRAFTER, slug=SLUG, element_key=made.keys["Pasal 3"], position="Kepala Sekolah"
        )
        assert resocialization.request_reacknowledgements(s, slug=SLUG, now=now()) == 4
        # The teacher by unit, the head of school by position; the treasurer by neither.
        assert _asked(s) == {people["guru"].id, people["kepsek"].id}
        guru = resocialization.what_to_read(s, actor=actor_of(people["guru"]), slug=SLUG)
        assert [c.new_label for c in guru.changes] == ["Pasal 1 ayat (1)"]
        kepsek = resocialization.what_to_read(s, actor=actor_of(people["kepsek"]), slug=SLUG)
        assert [c.new_label for c in kepsek.changes] == ["Pasal 3"]  # Pasal 2 (health) did not change
        policy = get_policy(s, slug=SLUG)
        assert reach_by_position(s, policy=policy) == [
            PositionReach("Bendahara", audience=1, acknowledged=0, carried=1, asked_again=0, never=0),
            PositionReach("kepala sekolah", audience=1, acknowledged=0, carried=0, asked_again=1, never=0),
        ]
        # Per unit, the health office's reader now owes a reading too (by position).
        health = next(r for r in reach_by_unit(s, policy=policy) if r.unit == HEALTH)
        assert health == UnitReach(HEALTH, audience=1, acknowledged=0, carried=0, asked_again=1, never=0)


def test_a_scope_names_exactly_one_of_unit_and_position(db: str, catalog: None) -> None:
    made = adopt_twice(db)
    key = made.keys["Pasal 3"]
    with unit_of_work(db) as s:
        for unit, position, field in (("BPKAD", "Bendahara", "position"), ("", "  ", "unit")):
            try:
                resocialization.add_scope(
                    s, actor=DRAFTER, slug=SLUG, element_key=key, unit=unit, position=position
                )
            except InvalidInput as refusal:
                assert refusal.field == field and refusal.detail_en
            else:
                raise AssertionError(f"the scope {unit!r}/{position!r} was accepted")


def test_an_account_keeps_its_position_trimmed_and_refuses_a_long_one(db: str) -> None:
    with unit_of_work(db) as s:
        made = accounts.create_account(
            s,
            actor=ADMIN,
            email="kabid@pemkot.example.id",
            name="Kabid",
            password="kata-sandi-panjang-sekali",
            role=Role.STAKEHOLDER,
            group=accounts.StakeholderGroup.ASN,
            nip="198001012005011001",
            unit=SCHOOLS,
            position="  Kepala Bidang  ",
        )
        assert made.position == "Kepala Bidang"
        try:
            accounts.create_account(
                s,
                actor=ADMIN,
                email="panjang@pemkot.example.id",
                name="Panjang",
                password="kata-sandi-panjang-sekali",
                role=Role.MODERATOR,
                position="x" * 121,
            )
        except InvalidInput as refusal:
            assert refusal.field == "position"
        else:
            raise AssertionError("a 121-character position was accepted")
