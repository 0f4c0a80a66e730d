"""The in-app inbox over the API: messages readable the moment they are due, in the account's language."""

from __future__ import annotations

import time
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import select

from policies.db import unit_of_work, utcnow
from policies.models import Account, Channel, DeliveryState, Reminder, Role
from policies.notify import Recipient, deliver_inbox, notify
from tests.service.conftest import auth, make_token, problem_of

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
