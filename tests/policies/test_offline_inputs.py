"""Offline and oral inputs: recorded by an officer, attributed, with a scan, answered like any other."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from policies.accounts.models import Role
from policies.consultation import comments, offline, scans
from policies.consultation.models import CommentSource, Outcome
from policies.consultation.offline import OfflineInput
from policies.consultation.queries.voices import origins_of
from policies.consultation.report import build_report, render_report
from policies.consultation.tracking import tracking_status
from policies.consultation.voice_models import CommentOrigin
from policies.core.db import unit_of_work
from policies.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from policies.core.settings import Settings
from policies.outbox.message_text import render_email
from policies.outbox.models import Channel, Reminder
from policies.workshops import actions as workshops
from tests.conftest import DRAFTER
from tests.lifecycle_walk import SLUG
from tests.policies.comment_setup import LATER, account, clause_keys, open_consultation

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
HEARD = "Tunjangan kinerja sebaiknya tidak dipotong selama cuti melahirkan."


@pytest.fixture
def key(db: str, catalog: None) -> str:
    """Open the consultation; return the first clause key."""
    open_consultation(db)
    return clause_keys(db)[0]


def _oral(key: str, **changes: object) -> OfflineInput:
    values: dict[str, object] = {
        "clause_key": key,
        "body": HEARD,
        "source": CommentSource.ORAL,
        "attributed_to": "Ibu Sari (Dharma Wanita)",
        "occasion": "sosialisasi di Kecamatan Serpong",
        "occasion_on": date(2026, 8, 12),
        "author_group": "asn",
        "contact_email": "sari@warga.test",
    }
    values.update(changes)
    return OfflineInput(**values)  # type: ignore[arg-type]


def test_an_officer_records_an_oral_input_that_is_answered_and_reported(db: str, key: str) -> None:
    with unit_of_work(db) as s:
        made = offline.record_offline_input(s, actor=DRAFTER, slug=SLUG, given=_oral(key), now=LATER)
        origin = origins_of(s, comment_ids=[made.id])[made.id]  # type: ignore[list-item]
        assert (made.source, made.author_name, made.author_group) == (
            "oral",
            "Ibu Sari (Dharma Wanita)",
            "asn",
        )
        assert offline.attribution(made, origin=origin) == (
            "Disampaikan lisan oleh Ibu Sari (Dharma Wanita) pada sosialisasi di Kecamatan Serpong, "
            "12 Agustus 2026"
        )
        assert offline.attribution(made, origin=origin, locale="en").startswith("Given orally by Ibu Sari")
        comment_id = made.id
    with unit_of_work(db) as s:
        # A comment like any other: the drafter answers it and the report prints it with its answer.
        comments.dispose(
            s,
            actor=DRAFTER,
            slug=SLUG,
            comment_id=comment_id,
            outcome=Outcome.NOTED,
            reason="Dicatat.",
            now=LATER,
        )
        data = build_report(s, slug=SLUG, now=LATER)
        html, md = render_report(data, fmt="html"), render_report(data, fmt="md", locale="en")
    assert HEARD in html and "Dicatat." in html
    assert "Disampaikan lisan oleh Ibu Sari (Dharma Wanita) pada sosialisasi di Kecamatan Serpong" in html
    assert (
        "*Given orally by Ibu Sari (Dharma Wanita) at sosialisasi di Kecamatan Serpong, August 12, 2026.*"
        in md
    )


def test_only_officers_record_and_the_facts_are_checked(db: str, key: str) -> None:
    stakeholder = account(db, email="warga@warga.test")
    moderator = account(db, email="moderator@siklus.test", role=Role.MODERATOR)
    other_unit = account(db, email="lain@siklus.test", role=Role.DRAFTER, unit="Dinas Lain")
    for actor, refused in ((stakeholder, PermissionDenied), (other_unit, PermissionDenied)):
        with unit_of_work(db) as s, pytest.raises(refused):
            offline.record_offline_input(s, actor=actor, slug=SLUG, given=_oral(key), now=LATER)
    bad = {
        "occasion_on": (date(2026, 9, 1), "occasion_on"),
        "attributed_to": ("  ", "attributed_to"),
        "contact_nip": ("123", "contact_nip"),
        "source": (CommentSource.ONLINE, "source"),
        "clause_key": ("pasal-tidak-ada", "clause_key"),
    }
    for name, (value, field) in bad.items():
        with unit_of_work(db) as s, pytest.raises(InvalidInput) as refused:
            offline.record_offline_input(
                s, actor=moderator, slug=SLUG, given=_oral(key, **{name: value}), now=LATER
            )
        assert refused.value.field == field
    with unit_of_work(db) as s:
        made = offline.record_offline_input(
            s, actor=moderator, slug=SLUG, given=_oral(key, source=CommentSource.LETTER), now=LATER
        )
        assert made.source == "letter"


def test_a_scan_is_stored_by_content_and_opened_only_by_whom_may(
    db: str, key: str, settings: Settings
) -> None:
    stakeholder = account(db, email="warga@warga.test")
    moderator = account(db, email="moderator@siklus.test", role=Role.MODERATOR)
    with unit_of_work(db) as s:
        made = offline.record_offline_input(s, actor=DRAFTER, slug=SLUG, given=_oral(key), now=LATER)
        comment_id = made.id
    with unit_of_work(db) as s:
        for content, why in ((b"MZ\x90\x00 not a scan", "type"), (b"", "empty")):
            with pytest.raises(InvalidInput) as refused:
                scans.attach_scan(
                    s, actor=DRAFTER, slug=SLUG, comment_id=comment_id, content=content,
                    filename=why, public=False, settings=settings,
                )  # fmt: skip
            assert refused.value.field == "scan"
        small = settings.model_copy(update={"max_body_bytes": scans.FORM_MARGIN + 10})
        with pytest.raises(InvalidInput, match="terlalu besar"):
            scans.attach_scan(
                s, actor=DRAFTER, slug=SLUG, comment_id=comment_id, content=PNG, filename="a.png",
                public=False, settings=small,
            )  # fmt: skip
        with pytest.raises(PermissionDenied):
            scans.attach_scan(
                s, actor=stakeholder, slug=SLUG, comment_id=comment_id, content=PNG, filename="a.png",
                public=False, settings=settings,
            )  # fmt: skip
        origin = scans.attach_scan(
            s, actor=DRAFTER, slug=SLUG, comment_id=comment_id, content=PNG, filename="C:\\scan\\surat.png",
            public=False, settings=settings,
        )  # fmt: skip
        assert (origin.scan_type, origin.scan_name, origin.scan_size) == ("image/png", "surat.png", len(PNG))
    stored = Path(settings.data_dir) / scans.SCAN_DIR / origin.scan_file
    assert stored.read_bytes() == PNG
    with unit_of_work(db) as s:
        assert (
            scans.read_scan(s, viewer=DRAFTER, slug=SLUG, comment_id=comment_id, settings=settings).path
            == stored
        )
        with pytest.raises(NotFound):  # private: the public does not learn it exists
            scans.read_scan(s, viewer=None, slug=SLUG, comment_id=comment_id, settings=settings)
        row = s.get(CommentOrigin, comment_id)
        row.scan_public = True  # type: ignore[union-attr]
        s.add(row)
    with unit_of_work(db) as s:
        assert (
            scans.read_scan(s, viewer=None, slug=SLUG, comment_id=comment_id, settings=settings).name
            == "surat.png"
        )
        comments.set_hidden(
            s, actor=moderator, slug=SLUG, comment_id=comment_id, hidden=True, reason="Data pribadi."
        )
    with unit_of_work(db) as s, pytest.raises(NotFound):  # a hidden comment's public scan is hidden too
        scans.read_scan(s, viewer=None, slug=SLUG, comment_id=comment_id, settings=settings)


def test_workshop_outcomes_linked_to_clauses_become_inputs_once(db: str, key: str) -> None:
    with unit_of_work(db) as s:
        workshop = workshops.schedule_workshop(
            s,
            actor=DRAFTER,
            slug=SLUG,
            title="Lokakarya Serpong",
            starts_at=LATER,
            online_url="https://zoom.example",
        )
        linked = workshops.add_outcome(
            s, actor=DRAFTER, slug=SLUG, workshop_id=workshop.id, text="Jam pelatihan terlalu banyak.",  # type: ignore[arg-type]
            clause_key=key, raised_by="Pak Budi",
        )  # fmt: skip
        workshops.add_outcome(s, actor=DRAFTER, slug=SLUG, workshop_id=workshop.id, text="Catatan umum.")  # type: ignore[arg-type]
    with unit_of_work(db) as s:
        first = offline.workshop_inputs(s, actor=DRAFTER, slug=SLUG, now=LATER)
    with unit_of_work(db) as s:
        again = offline.workshop_inputs(s, actor=DRAFTER, slug=SLUG, now=LATER)
        origins = s.exec(select(CommentOrigin)).all()
        made, origin = s.get(offline.Comment, first[0].comment_id), origins[0]
        assert made is not None
        line = offline.attribution(made, origin=origin)
    assert [(c.outcome_id, c.created) for c in first] == [(linked.id, True)]
    assert [(c.comment_id, c.created) for c in again] == [(first[0].comment_id, False)]
    assert len(origins) == 1 and origin.workshop_outcome_id == linked.id
    assert line.startswith("Disampaikan oleh Pak Budi pada lokakarya Lokakarya Serpong")
    moderator = account(db, email="moderator@siklus.test", role=Role.MODERATOR)
    with unit_of_work(db) as s, pytest.raises(PermissionDenied):
        offline.workshop_inputs(s, actor=moderator, slug=SLUG, now=LATER)


def test_an_input_given_after_the_consultation_closed_is_refused(db: str, key: str) -> None:
    with unit_of_work(db) as s, pytest.raises(Conflict):
        offline.record_offline_input(
            s,
            actor=DRAFTER,
            slug=SLUG,
            given=_oral(key, occasion_on=date(2026, 10, 1)),
            now=LATER.replace(month=11),
        )


def test_an_input_with_a_contact_email_gets_the_receipt_by_email(db: str, key: str) -> None:
    with unit_of_work(db) as s:
        made = offline.record_offline_input(s, actor=DRAFTER, slug=SLUG, given=_oral(key), now=LATER)
        silent = offline.record_offline_input(
            s, actor=DRAFTER, slug=SLUG, given=_oral(key, contact_email="", body="Lain."), now=LATER
        )
        receipts = list(s.exec(select(Reminder).where(Reminder.template == "comment_receipt")))
        number, silent_number = made.tracking_number, silent.tracking_number
    # Only the one who left an address is written to, by email (there is no inbox without an account).
    assert [(r.channel, r.recipient_email, r.recipient_account_id) for r in receipts] == [
        (Channel.EMAIL, "sari@warga.test", None)
    ]
    assert silent_number and silent_number != number
    subject, body = render_email(receipts[0], base_url="https://siklus.example.id")
    with unit_of_work(db) as s:
        status = tracking_status(s, number=number, now=LATER)
    # The public status page says who gave it and where, as the thread does.
    assert status.attribution.startswith("Disampaikan lisan oleh Ibu Sari (Dharma Wanita) pada sosialisasi")
    assert status.attribution_en.startswith("Given orally by Ibu Sari")
    assert number in subject
    assert "Pasal: Menimbang" in body and "Jawaban paling lambat: 30 September 2026" in body
    assert f"https://siklus.example.id/track/{number}" in body
