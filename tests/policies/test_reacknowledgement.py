"""Acknowledgements pinned to a version and its hash; only the units a change applies to read again."""

from __future__ import annotations

import hashlib

from sqlmodel import select

from policies.accounts.actions import actor_of
from policies.core.db import unit_of_work
from policies.core.errors import InvalidInput
from policies.lifecycle import entry_work
from policies.lifecycle.queries import get_policy
from policies.outbox import hooks
from policies.outbox.models import Channel, Reminder
from policies.rollout import actions as rollout
from policies.rollout import resocialization
from policies.rollout.models import Acknowledgement
from policies.rollout.reach import UnitReach, VersionReach, reach_by_unit, reach_by_version
from tests.conftest import DRAFTER
from tests.lifecycle_walk import SLUG
from tests.policies.reack_setup import FINANCE, HEALTH, SCHOOLS, V1, adopt_twice, now, readers_named


def test_an_acknowledgement_records_the_version_and_the_hash_of_its_words(db: str, catalog: None) -> None:
    made = adopt_twice(db)
    with unit_of_work(db) as s:
        acks = list(s.exec(select(Acknowledgement).order_by(Acknowledgement.id)))
        assert {a.version_id for a in acks} == {made.v1.id}
        assert {a.content_hash for a in acks} == {hashlib.sha256(V1.encode()).hexdigest()}


def test_only_the_unit_a_change_applies_to_is_asked_and_shown_only_that_change(
    db: str, catalog: None
) -> None:
    made = adopt_twice(db)
    with unit_of_work(db) as s:
        asked = resocialization.request_reacknowledgements(s, slug=SLUG, now=now())
        assert asked == 2  # the schools' reader, by email and in the inbox
        again = resocialization.request_reacknowledgements(s, slug=SLUG, now=now())
        assert again == 0  # once per version
        requests = list(s.exec(select(Reminder).where(Reminder.template == "reacknowledgement_request")))
        assert {r.recipient_account_id for r in requests} == {made.readers[SCHOOLS].id}
        assert {r.channel for r in requests} == {Channel.EMAIL, Channel.INBOX}

        schools = resocialization.what_to_read(s, actor=actor_of(made.readers[SCHOOLS]), slug=SLUG)
        assert (schools.version_number, schools.read_version_number) == (made.v2.number, made.v1.number)
        # Pasal 3 changed too, but applies to no unit in particular: only the scoped change is shown.
        assert [(c.kind, c.new_label) for c in schools.changes] == [("changed", "Pasal 1 ayat (1)")]
        assert "24 JP" in (schools.changes[0].new_text or "") and not schools.carried
        health = resocialization.what_to_read(s, actor=actor_of(made.readers[HEALTH]), slug=SLUG)
        assert health.changes == [] and health.carried  # Pasal 2 did not change

        # Acknowledging the new version pins it, and the request is no longer worth showing.
        ack = rollout.acknowledge(s, actor=actor_of(made.readers[SCHOOLS]), slug=SLUG, now=now())
        assert ack.version_id == made.v2.id
        assert ack.content_hash == hashlib.sha256(made.v2.body.encode()).hexdigest()
        inbox = next(r for r in requests if r.channel == Channel.INBOX)
        assert hooks.why_obsolete(s, reminder=inbox, now=now()) != ""
        assert resocialization.what_to_read(s, actor=actor_of(made.readers[SCHOOLS]), slug=SLUG).done


def test_a_change_under_a_scoped_ancestor_applies_to_its_unit(db: str, catalog: None) -> None:
    made = adopt_twice(db, scoped=False)
    with unit_of_work(db) as s:
        # Pasal 1 as a whole applies to the health office: its ayat (1) changed, so they read it.
        resocialization.add_scope(s, actor=DRAFTER, slug=SLUG, element_key=made.keys["Pasal 1"], unit=HEALTH)
        health = resocialization.what_to_read(s, actor=actor_of(made.readers[HEALTH]), slug=SLUG)
        assert [c.new_label for c in health.changes] == ["Pasal 1 ayat (1)"]
        assert resocialization.what_to_read(s, actor=actor_of(made.readers[SCHOOLS]), slug=SLUG).carried


def test_reach_per_unit_and_per_version(db: str, catalog: None) -> None:
    made = adopt_twice(db)
    with unit_of_work(db) as s:
        rollout.acknowledge(s, actor=actor_of(made.readers[SCHOOLS]), slug=SLUG, now=now())
        policy = get_policy(s, slug=SLUG)
        by_unit = {r.unit: r for r in reach_by_unit(s, policy=policy)}
        assert by_unit[SCHOOLS] == UnitReach(
            SCHOOLS, audience=1, acknowledged=1, carried=0, asked_again=0, never=0
        )
        assert by_unit[HEALTH] == UnitReach(
            HEALTH, audience=1, acknowledged=0, carried=1, asked_again=0, never=0
        )
        assert by_unit[FINANCE] == UnitReach(
            FINANCE, audience=1, acknowledged=0, carried=1, asked_again=0, never=0
        )
        by_version = reach_by_version(s, policy=policy)
        assert VersionReach(made.v1.number, SCHOOLS, 1) in by_version
        assert VersionReach(made.v2.number, SCHOOLS, 1) in by_version
        assert [v for v in by_version if v.version_number == made.v2.number] == [
            VersionReach(made.v2.number, SCHOOLS, 1)
        ]


def test_a_scope_names_an_element_of_the_text_and_only_the_owner_maps(db: str, catalog: None) -> None:
    adopt_twice(db)
    with unit_of_work(db) as s:
        try:
            resocialization.add_scope(s, actor=DRAFTER, slug=SLUG, element_key="e-tidakada", unit=SCHOOLS)
        except InvalidInput as refusal:
            assert refusal.field == "element_key"
        else:
            raise AssertionError("an unknown element was mapped")


def test_entering_socialization_asks_newcomers_everything_and_earlier_readers_only_where_changed(
    db: str, catalog: None
) -> None:
    made = adopt_twice(db)
    newcomer = readers_named(db, email="baru@pemkot.example.id", unit=HEALTH)
    with unit_of_work(db) as s:
        line = entry_work.request_acknowledgements(s, slug=SLUG, now=now())
        assert line == "Permintaan konfirmasi baca: 1 baru; konfirmasi ulang atas perubahan: 2 baru."
        asked = {
            (r.template, r.recipient_account_id)
            for r in s.exec(select(Reminder).where(Reminder.channel == Channel.INBOX))
        }
        assert asked == {
            ("acknowledgement_request", newcomer.id),
            ("reacknowledgement_request", made.readers[SCHOOLS].id),
        }
