"""The in-app inbox over the API: messages readable the moment they are due, in the account's language."""

from __future__ import annotations

import time
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import select

from policies.accounts.access import SYSTEM
from policies.accounts.models import Account, Role
from policies.core.db import unit_of_work, utcnow
from policies.evaluation.models import SurveyRespondent
from policies.evaluation.population import add_accounts
from policies.evaluation.rounds import open_round
from policies.lifecycle.models import Stage
from policies.lifecycle.queries import get_policy
from policies.outbox.delivery import deliver_inbox
from policies.outbox.models import Channel, DeliveryState, Reminder
from policies.outbox.notify import Recipient, notify
from tests.service.conftest import SLUG, auth, make_token, problem_of

CONTEXT = {"title": "Perwal ASN", "slug": "perwal-asn", "cycle": 1}


def _queue(db: str, email: str, *, key: str, due_in: timedelta) -> None:
    with unit_of_work(db) as s:
        account = s.exec(select(Account).where(Account.email == email)).one()
        notify(
            s,
            key=key,
            template="acknowledgement_request",
            recipients=[Recipient.of(account)],
            due_at=utcnow() + due_in,
            context=CONTEXT,
            channels=[Channel.INBOX],
        )


def test_a_due_message_is_readable_at_once_and_marked_read_once(client: TestClient, db: str) -> None:
    token = make_token(db, email="sari@pemkot.example.id", role=Role.STAKEHOLDER)
    other = make_token(db, email="budi@example.id", role=Role.STAKEHOLDER)
    _queue(db, "sari@pemkot.example.id", key="ack", due_in=timedelta(0))
    # No sweep has run: the message is in the inbox all the same.
    (message,) = client.get("/api/v1/me/inbox", headers=auth(token)).json()
    assert message["subject"] == "[Siklus] Mohon konfirmasi telah membaca: Perwal ASN"
    assert "/policies/perwal-asn" in message["body"] and message["read_at"] is None
    assert message["sent_at"] is not None
    assert client.get("/api/v1/me/inbox", headers=auth(other)).json() == []
    problem_of(client.post(f"/api/v1/me/inbox/{message['id']}/read", headers=auth(other)), 404, "not-found")
    read = client.post(f"/api/v1/me/inbox/{message['id']}/read", headers=auth(token))
    assert read.status_code == 200 and read.json()["read_at"] is not None
    again = client.post(f"/api/v1/me/inbox/{message['id']}/read", headers=auth(token))
    assert again.json()["read_at"] == read.json()["read_at"]
    assert client.get("/api/v1/me/inbox?unread=true", headers=auth(token)).json() == []
    with unit_of_work(db) as s:
        # Reading it recorded the delivery the sweep would have; the sweep then has nothing left.
        assert s.exec(select(Reminder)).one().state == DeliveryState.SENT
        assert deliver_inbox(s, now=utcnow()) == 0
    problem_of(client.get("/api/v1/me/inbox"), 401, "unauthenticated")


def test_a_later_message_appears_when_due_without_a_sweep(client: TestClient, db: str) -> None:
    token = make_token(db, email="sari@pemkot.example.id", role=Role.STAKEHOLDER)
    _queue(db, "sari@pemkot.example.id", key="soon", due_in=timedelta(seconds=1))
    _queue(db, "sari@pemkot.example.id", key="tomorrow", due_in=timedelta(days=1))
    assert client.get("/api/v1/me/inbox", headers=auth(token)).json() == []
    with unit_of_work(db) as s:
        soon = s.exec(select(Reminder).where(Reminder.dedupe_key.startswith("soon"))).one()  # type: ignore[attr-defined]
    problem_of(client.post(f"/api/v1/me/inbox/{soon.id}/read", headers=auth(token)), 404, "not-found")
    time.sleep(max(0.0, (soon.due_at - utcnow()).total_seconds()) + 0.05)
    (message,) = client.get("/api/v1/me/inbox", headers=auth(token)).json()
    assert message["id"] == soon.id
    with unit_of_work(db) as s:
        assert s.get(Reminder, soon.id).state == DeliveryState.PENDING  # type: ignore[union-attr]


def test_a_huge_message_id_is_refused_clearly(client: TestClient, db: str) -> None:
    token = make_token(db, email="sari@pemkot.example.id", role=Role.STAKEHOLDER)
    response = client.post(f"/api/v1/me/inbox/{2**70}/read", headers=auth(token))
    assert response.status_code == 422 and response.headers["content-type"] == "application/problem+json"


def test_a_survey_invitation_in_the_inbox_keeps_the_salt_inside(
    client: TestClient, db: str, admin_token: str
) -> None:
    token = make_token(db, email="sari@pemkot.example.id", role=Role.STAKEHOLDER)
    now = utcnow()
    with unit_of_work(db) as s:
        policy = get_policy(s, slug=SLUG)
        policy.stage = Stage.EVALUATION
        survey = open_round(
            s, actor=SYSTEM, slug=SLUG, opens_at=now - timedelta(hours=1), closes_at=now + timedelta(days=9)
        )
        add_accounts(s, actor=SYSTEM, round_id=survey.id or 0, secret="rahasia-aplikasi", now=now)
        salts = set(s.exec(select(SurveyRespondent.token_salt)).all())
    assert salts and "" not in salts
    inbox = client.get("/api/v1/me/inbox", headers=auth(token))
    (message,) = inbox.json()
    assert message["template"] == "survey_invitation" and "/survei?token=" in message["body"]
    assert {"token_salt", "respondent_id"}.isdisjoint(message["context"])
    assert message["context"]["round_id"] == survey.id
    outbox = client.get("/api/v1/outbox", headers=auth(admin_token))
    # The admins' outbox does not list a respondent's pending invitation at all (whose fate would tell
    # who answered), let alone its salt.
    assert outbox.status_code == 200
    assert "survey_invitation" not in {i["template"] for i in outbox.json()["items"]}
    for salt in salts:  # not in the inbox, not in the admins' outbox (its keys carry a fingerprint)
        assert salt not in inbox.text and salt not in outbox.text
