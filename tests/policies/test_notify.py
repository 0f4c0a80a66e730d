"""The reminder outbox without Prefect: dedupe, due, claims, retries with backoff, inbox, rendering."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select

from policies.accounts.models import Account
from policies.core.db import unit_of_work, utcnow
from policies.core.errors import NotFound
from policies.outbox import delivery, hooks, notify, queries
from policies.outbox.message_text import render_email
from policies.outbox.models import Channel, DeliveryState, Reminder
from policies.outbox.notify import Recipient
from tests.lifecycle_walk import add_people

CONTEXT = {
    "title": "Perwal Kebijakan Kepegawaian ASN",
    "slug": "perwal-asn",
    "cycle": 2,
    "closes_at": "2026-09-07T07:30:00+00:00",
    "closed_at": "2026-09-07T07:30:00+00:00",
    "undisposed": 3,
    "days": 14,
    "instrument": "Peraturan Wali Kota",
    "number": "45",
    "adopted_on": "2026-09-10",
    "round_number": 1,
    "version": 4,
    "notes": 7,
    "reason": "Digantikan peraturan baru.",
    "clause_key": "pasal-5",
    "clause_heading": "Pasal 5",
    "comment_id": 12,
}


def _reminder(template: str, locale: str) -> Reminder:
    return Reminder(
        dedupe_key="k",
        template=template,
        channel=Channel.EMAIL,
        recipient_email="a@example.id",
        locale=locale,
        context=CONTEXT,
        due_at=utcnow(),
    )


# The stage and sweep templates (the evaluation's own templates are tested with their module).
TEMPLATES = [
    "acknowledgement_request",
    "comment_answered",
    "consultation_closing",
    "consultation_opened",
    "dispositions_owed",
    "escalation",
    "evaluation_opened",
    "policy_adopted",
    "policy_withdrawn",
    "revision_started",
    "workshop_invitation",
]


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_email_template_renders_in_both_languages(template: str) -> None:
    subject_id, body_id = render_email(_reminder(template, "id"), base_url="https://siklus.example.id/")
    subject_en, body_en = render_email(_reminder(template, "en"), base_url="https://siklus.example.id/")
    assert subject_id.startswith("[Siklus]") and subject_en.startswith("[Siklus]")
    assert "https://siklus.example.id/policies/perwal-asn" in body_id
    assert "Salam," in body_id and "Regards," in body_en
    assert subject_id != subject_en


def test_counts_are_written_the_indonesian_way() -> None:
    many = Reminder(
        **{**_reminder("dispositions_owed", "id").model_dump(), "context": {**CONTEXT, "undisposed": 5000}}
    )
    assert "5.000 masukan belum diberi tindak lanjut" in render_email(many, base_url="http://x")[1]
    many.locale = "en"
    assert "5,000 comment(s) still lack" in render_email(many, base_url="http://x")[1]


def test_an_answered_comment_is_told_with_its_pasal_and_its_address() -> None:
    subject, body = render_email(_reminder("comment_answered", "id"), base_url="https://siklus.example.id")
    assert subject.startswith("[Siklus] Masukan Anda sudah dijawab") and "pada Pasal 5" in body
    assert "https://siklus.example.id/policies/perwal-asn/versions/4/clauses/pasal-5#comment-12" in body


def test_dates_are_written_the_indonesian_way() -> None:
    _, body = render_email(_reminder("consultation_opened", "id"), base_url="http://x")
    assert "7 September 2026, pukul 14.30 WIB" in body
    _, body_en = render_email(_reminder("consultation_opened", "en"), base_url="http://x")
    assert "September 7, 2026, 2:30 PM WIB" in body_en


def test_unknown_template_falls_back_to_a_notice() -> None:
    r = _reminder("survey_reminder_from_elsewhere", "id")
    r.context = {"policy_title": "Perwal X", "policy_slug": "perwal-x", "message": "Isi survei."}
    subject, body = render_email(r, base_url="http://x")
    assert "Perwal X" in subject and "Isi survei." in body and "/policies/perwal-x" in body


def test_enqueue_is_deduplicated(db: str) -> None:
    now = utcnow()
    person = Recipient(account_id=None, email="warga@example.id")
    with unit_of_work(db) as s:
        first = notify.notify(s, key="k1", template="notice", recipients=[person, person], due_at=now)
        again = notify.notify(s, key="k1", template="notice", recipients=[person], due_at=now)
        assert (first, again) == (1, 0)
        # Inbox needs an account: an address-only recipient gets email only.
        inbox_only = notify.notify(
            s, key="k2", template="notice", recipients=[person], due_at=now, channels=[Channel.INBOX]
        )
        assert inbox_only == 0
        assert len(list(s.exec(select(Reminder)))) == 1


def test_a_title_with_line_breaks_renders_a_one_line_subject() -> None:
    # What the in-app inbox shows: no line of the title may pass for a header or end the subject.
    reminder = _reminder("consultation_closing", "id")
    reminder.context = {**CONTEXT, "title": "Perwal ASN\nBcc: mallory@evil.example\n\nHalo"}
    subject, body = render_email(reminder, base_url="https://siklus.example")
    assert subject == "[Siklus] Konsultasi segera ditutup: Perwal ASN Bcc: mallory@evil.example Halo"
    assert "\nBcc:" not in body


def test_claims_retries_backoff_and_giving_up(db: str) -> None:
    now = utcnow()
    with unit_of_work(db) as s:
        r, _ = notify.enqueue(
            s,
            dedupe_key="x",
            template="notice",
            channel=Channel.EMAIL,
            recipient=Recipient(None, "a@example.id"),
            due_at=now,
        )
        rid = r.id
    with unit_of_work(db) as s:
        assert [x.id for x in queries.due_reminders(s, now=now)] == [rid]
        assert delivery.claim(s, reminder_id=rid, now=now)
        assert not delivery.claim(s, reminder_id=rid, now=now)  # a second deliverer loses
        failed = delivery.record_failure(s, reminder_id=rid, error="451 try later", now=now, max_attempts=2)
        assert failed.state == DeliveryState.PENDING and failed.due_at == now + timedelta(minutes=2)
        assert queries.due_reminders(s, now=now) == []
    later = now + timedelta(minutes=3)
    with unit_of_work(db) as s:
        assert delivery.claim(s, reminder_id=rid, now=later)
        gave_up = delivery.record_failure(s, reminder_id=rid, error="451 again", now=later, max_attempts=2)
        assert (gave_up.state, gave_up.attempts, gave_up.last_error) == (DeliveryState.FAILED, 2, "451 again")
    assert delivery.retry_delay(20) == delivery.MAX_BACKOFF


def test_one_message_id_per_reminder_and_an_abandoned_send_is_not_retried(db: str) -> None:
    now = utcnow()
    with unit_of_work(db) as s:
        r, _ = notify.enqueue(
            s,
            dedupe_key="x",
            template="notice",
            channel=Channel.EMAIL,
            recipient=Recipient(None, "a@example.id"),
            due_at=now,
        )
        rid = r.id
    with unit_of_work(db) as s:
        first = delivery.claim(s, reminder_id=rid, now=now, message_domain="pemkot.example.id")
        assert first is not None and first.state == DeliveryState.SENDING
        message_id = first.message_id
        assert message_id.endswith("@pemkot.example.id>")
        delivery.record_failure(s, reminder_id=rid, error="451", now=now, max_attempts=5)
    later = now + timedelta(minutes=3)
    with unit_of_work(db) as s:
        again = delivery.claim(s, reminder_id=rid, now=later, message_domain="elsewhere.example")
        assert again is not None and again.message_id == message_id  # derived once, kept
    # The deliverer dies here. Within the lease nobody touches it; after it, an operator must look.
    with unit_of_work(db) as s:
        assert delivery.flag_abandoned(s, now=later + timedelta(minutes=1)) == 0
        assert delivery.flag_abandoned(s, now=later + delivery.CLAIM_LEASE + timedelta(seconds=1)) == 1
        stuck = s.get(Reminder, rid)
        assert stuck is not None and stuck.state == DeliveryState.UNCERTAIN and message_id in stuck.last_error
        assert queries.due_reminders(s, now=later + timedelta(days=1)) == []
        assert delivery.claim(s, reminder_id=rid, now=later + timedelta(days=1)) is None


def test_inbox_delivery_listing_and_read(db: str) -> None:
    people = add_people(db)
    asn: Account = people["asn"]
    now = utcnow()
    with unit_of_work(db) as s:
        notify.notify(
            s,
            key="ask",
            template="notice",
            recipients=[Recipient.of(asn)],
            due_at=now,
            channels=[Channel.INBOX],
        )
        notify.notify(
            s,
            key="later",
            template="notice",
            recipients=[Recipient.of(asn)],
            due_at=now + timedelta(days=1),
            channels=[Channel.INBOX],
        )
        assert delivery.deliver_inbox(s, now=now) == 1
        (message,) = notify.inbox(s, account_id=asn.id)
        first = notify.mark_read(s, account_id=asn.id, reminder_id=message.id, now=now)
        again = notify.mark_read(s, account_id=asn.id, reminder_id=message.id, now=now + timedelta(hours=1))
        assert first.read_at == again.read_at == now
        assert notify.inbox(s, account_id=asn.id, unread_only=True) == []
        with pytest.raises(NotFound):
            notify.mark_read(s, account_id=people["public"].id, reminder_id=message.id)
        assert queries.outbox_counts(s) == {("inbox", "sent"): 1, ("inbox", "pending"): 1}


def test_the_inbox_follows_a_hook_registered_after_it_was_first_read(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The inbox's statements are built once per registry: a registration must build them again.
    asn: Account = add_people(db)["asn"]
    now = utcnow()
    with unit_of_work(db) as s:
        notify.notify(
            s,
            key="uji",
            template="uji_sementara",
            recipients=[Recipient.of(asn)],
            due_at=now,
            channels=[Channel.INBOX],
        )
        assert notify.unread_count(s, account_id=asn.id, now=now) == 1  # no hooks: always shown
        assert len(notify.inbox(s, account_id=asn.id)) == 1
        # The time is a parameter of the built statement, not fixed at its first use: not yet due.
        assert notify.unread_count(s, account_id=asn.id, now=now - timedelta(minutes=1)) == 0
        monkeypatch.setitem(hooks._BY_TEMPLATE, "uji_sementara", hooks.ALWAYS_CURRENT)  # gone after
        never = hooks.TemplateHooks(obsolete=lambda *_: "usang", current=lambda now: sa.false())
        hooks.register(templates=["uji_sementara"], hooks=never)
        assert notify.unread_count(s, account_id=asn.id, now=now) == 0
        assert notify.inbox(s, account_id=asn.id) == []
