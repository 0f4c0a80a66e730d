"""The in-app inbox over the API: delivered reminders in the account's language, marked read once."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import select

from policies.db import unit_of_work, utcnow
from policies.models import Account, Channel, Role
from policies.notify import Recipient, deliver_inbox, notify
from tests.service.conftest import auth, make_token


def test_inbox_lists_delivered_messages_and_marks_them_read(client: TestClient, db: str) -> None:
    token = make_token(db, email="sari@pemkot.example.id", role=Role.STAKEHOLDER)
    other = make_token(db, email="budi@example.id", role=Role.STAKEHOLDER)
    with unit_of_work(db) as s:
        sari = s.exec(select(Account).where(Account.email == "sari@pemkot.example.id")).one()
        notify(
            s,
            key="ack",
            template="acknowledgement_request",
            recipients=[Recipient.of(sari)],
            due_at=utcnow(),
            context={"title": "Perwal ASN", "slug": "perwal-asn", "cycle": 1},
            channels=[Channel.INBOX],
        )
    assert client.get("/api/v1/me/inbox", headers=auth(token)).json() == []  # not delivered yet
    with unit_of_work(db) as s:
        deliver_inbox(s, now=utcnow())
    (message,) = client.get("/api/v1/me/inbox", headers=auth(token)).json()
    assert message["subject"] == "[Siklus] Mohon konfirmasi telah membaca: Perwal ASN"
    assert "/policies/perwal-asn" in message["body"] and message["read_at"] is None
    assert client.get("/api/v1/me/inbox", headers=auth(other)).json() == []
    refused = client.post(f"/api/v1/me/inbox/{message['id']}/read", headers=auth(other))
    assert refused.status_code == 404
    read = client.post(f"/api/v1/me/inbox/{message['id']}/read", headers=auth(token))
    assert read.status_code == 200 and read.json()["read_at"] is not None
    assert client.get("/api/v1/me/inbox?unread=true", headers=auth(token)).json() == []
    assert client.get("/api/v1/me/inbox").status_code == 401
