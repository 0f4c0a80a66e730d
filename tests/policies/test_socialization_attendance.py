"""A socialization session's daftar hadir: taken once the session is held, its headcount never below
the names, a session of another policy unknown, and the names and NIPs shown by the privacy rule."""

from __future__ import annotations

from datetime import date

import pytest

from policies.accounts.access import Actor
from policies.accounts.models import Role
from policies.core.db import unit_of_work
from policies.core.errors import InvalidInput, NotFound, PermissionDenied
from policies.rollout import actions as rollout
from policies.rollout import queries as rollout_queries
from policies.rollout.privacy import SessionAttendeeSeen, shown_session_attendance
from policies.workshops.privacy import Disclosure
from tests.conftest import DRAFTER
from tests.rollout_walk import SLUG, to_socialization

NIP = "198703152010011002"
TODAY = date(2026, 9, 20)


def test_attendance_is_taken_once_held_and_the_headcount_follows_the_names(db: str, catalog: None) -> None:
    to_socialization(db, actor=DRAFTER)
    with unit_of_work(db) as s:
        held = rollout.add_session(s, actor=DRAFTER, slug=SLUG, title="Sosialisasi", held_on=TODAY)
        later = rollout.add_session(
            s,
            actor=DRAFTER,
            slug=SLUG,
            title="Sosialisasi Lanjutan",
            held_on=date(2026, 9, 21),
            attendance_count=5,
        )
        held_id, later_id = held.id, later.id
    with unit_of_work(db) as s, pytest.raises(InvalidInput, match="belum berlangsung"):
        rollout.record_session_attendance(
            s, actor=DRAFTER, slug=SLUG, session_id=later_id, name="Sari", today=TODAY
        )
    with unit_of_work(db) as s, pytest.raises(InvalidInput, match="18 angka"):
        rollout.record_session_attendance(
            s, actor=DRAFTER, slug=SLUG, session_id=held_id, name="Sari", nip="12", today=TODAY
        )
    with unit_of_work(db) as s, pytest.raises(InvalidInput, match="Nama peserta wajib diisi"):
        rollout.record_session_attendance(
            s, actor=DRAFTER, slug=SLUG, session_id=held_id, name="  ", today=TODAY
        )
    with unit_of_work(db) as s, pytest.raises(NotFound, match="tidak ditemukan pada kebijakan ini"):
        rollout.record_session_attendance(
            s, actor=DRAFTER, slug=SLUG, session_id=9999, name="Sari", today=TODAY
        )
    with unit_of_work(db) as s:
        for name in ("Sari Dewi", "Andi Pratama"):
            rollout.record_session_attendance(
                s, actor=DRAFTER, slug=SLUG, session_id=held_id, name=name, nip=NIP, unit="RSUD", today=TODAY
            )
    with unit_of_work(db) as s:
        sessions = {x.id: x for x in rollout_queries.list_sessions(s, policy_id=held.policy_id)}
        assert sessions[held_id].attendance_count == 2 and sessions[later_id].attendance_count == 5
        rows = rollout_queries.attendance_of_sessions(s, session_ids=[held_id, later_id])  # type: ignore[list-item]
        assert [r.name for r in rows[held_id]] == ["Sari Dewi", "Andi Pratama"] and rows[later_id] == []  # type: ignore[index]
        people = rows[held_id]  # type: ignore[index]
        assert shown_session_attendance(people, seen=Disclosure.FULL)[0].nip == NIP
        assert shown_session_attendance(people, seen=Disclosure.NAMES)[0] == SessionAttendeeSeen(
            id=people[0].id, name="Sari Dewi", unit="RSUD"
        )
        assert shown_session_attendance(people, seen=Disclosure.COUNT) == []


def test_only_the_owning_unit_takes_attendance(db: str, catalog: None) -> None:
    to_socialization(db, actor=DRAFTER)
    with unit_of_work(db) as s:
        held_id = rollout.add_session(s, actor=DRAFTER, slug=SLUG, title="Sosialisasi", held_on=TODAY).id
    other = Actor(id=None, name="Joko", role=Role.DRAFTER, unit="BKPSDM Kabupaten Lampung Selatan")
    with unit_of_work(db) as s, pytest.raises(PermissionDenied, match="Hanya perancang dari"):
        rollout.record_session_attendance(
            s, actor=other, slug=SLUG, session_id=held_id, name="Sari", today=TODAY
        )  # type: ignore[arg-type]
