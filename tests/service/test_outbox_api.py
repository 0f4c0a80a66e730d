"""The outbox API for admins: every reminder with its state, filtered and paged; others are refused."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import select

from policies.core.db import unit_of_work, utcnow
from policies.outbox import delivery
from policies.outbox.models import DeliveryState, Reminder
from policies.outbox.notify import Recipient, notify
from tests.service.conftest import auth, problem_of

CONTEXT = {"title": "Perwal ASN", "slug": "perwal-asn", "cycle": 1}


def _queue(db: str, n: int) -> None:
    with unit_of_work(db) as s:
        for i in range(n):
            notify(
                s,
                key=f"k{i}",
                template="consultation_opened" if i % 2 else "escalation",
                recipients=[Recipient(account_id=None, email=f"warga{i}@example.id")],
                due_at=utcnow() - timedelta(minutes=1),
                context=CONTEXT,
            )


def test_admin_reads_the_outbox_filtered_and_paged(client: TestClient, db: str, admin_token: str) -> None:
    _queue(db, 5)
    headers = auth(admin_token)
    first = client.get("/api/v1/outbox?limit=2", headers=headers)
    assert first.status_code == 200, first.text
    page = first.json()
    assert [i["recipient_email"] for i in page["items"]] == ["warga4@example.id", "warga3@example.id"]
    assert page["items"][0]["state"] == "pending" and page["items"][0]["channel"] == "email"
    seen = [i["id"] for i in page["items"]]
    while page["next_cursor"]:
        page = client.get(f"/api/v1/outbox?limit=2&cursor={page['next_cursor']}", headers=headers).json()
        seen += [i["id"] for i in page["items"]]
    assert len(seen) == len(set(seen)) == 5 and seen == sorted(seen, reverse=True)

    escalations = client.get("/api/v1/outbox?template=escalation&state=pending", headers=headers).json()
    assert {i["template"] for i in escalations["items"]} == {"escalation"} and len(escalations["items"]) == 3
    assert client.get("/api/v1/outbox?state=sent", headers=headers).json()["items"] == []
    assert client.get("/api/v1/outbox?channel=inbox", headers=headers).json()["items"] == []


def test_outbox_refusals_are_problems(
    client: TestClient, db: str, drafter_token: str, stakeholder_token: str, admin_token: str
) -> None:
    problem_of(client.get("/api/v1/outbox"), 401, "unauthenticated")
    for token in (drafter_token, stakeholder_token):
        body = problem_of(client.get("/api/v1/outbox", headers=auth(token)), 403, "forbidden")
        assert "admin" in body["detail"]
    english = client.get("/api/v1/outbox", headers={**auth(drafter_token), "Accept-Language": "en"})
    assert "Only admins" in problem_of(english, 403, "forbidden")["detail"]
    huge = "b3V0Ym94Ojk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5"  # "outbox:99999999999999999999999"
    forged = client.get(f"/api/v1/outbox?cursor={huge}", headers=auth(admin_token))
    assert "next_cursor" in problem_of(forged, 422, "invalid-input")["detail"]
    problem_of(client.get("/api/v1/outbox?state=lost", headers=auth(admin_token)), 422, "validation-error")


def test_an_admin_settles_an_uncertain_email(
    client: TestClient, db: str, admin_token: str, drafter_token: str
) -> None:
    now = utcnow()
    with unit_of_work(db) as s:
        # News about no policy row: nothing makes it stale, so the claims take them.
        notify(
            s,
            key="evaluation-opened:1",
            template="evaluation_opened",
            recipients=[Recipient(None, "a@example.id"), Recipient(None, "b@example.id")],
            due_at=now - timedelta(minutes=1),
            context={**CONTEXT, "round_number": 1, "closes_at": now.isoformat()},
        )
    with unit_of_work(db) as s:
        ids = delivery.due_email_ids(s, now=now, limit=10)
        for rid in ids:
            assert delivery.claim(s, reminder_id=rid, now=now, message_domain="siklus.test") is not None
        delivery.record_uncertain(s, reminder_id=ids[0], error="Sambungan SMTP terputus.")
    # The second is still being sent: only an uncertain one is settled by hand.
    refused = client.post(
        f"/api/v1/outbox/{ids[1]}/resolve", headers=auth(admin_token), json={"delivered": True}
    )
    assert "uncertain" in problem_of(refused, 409, "conflict")["detail"]
    forbidden = client.post(
        f"/api/v1/outbox/{ids[0]}/resolve", headers=auth(drafter_token), json={"delivered": True}
    )
    problem_of(forbidden, 403, "forbidden")
    listed = client.get("/api/v1/outbox?state=uncertain", headers=auth(admin_token)).json()["items"]
    assert [i["id"] for i in listed] == [ids[0]] and listed[0]["message_id"].endswith("@siklus.test>")
    queued = client.post(
        f"/api/v1/outbox/{ids[0]}/resolve", headers=auth(admin_token), json={"delivered": False}
    )
    assert queued.status_code == 200, queued.text
    assert queued.json()["state"] == "pending" and queued.json()["message_id"] == listed[0]["message_id"]
    problem_of(
        client.post("/api/v1/outbox/999999/resolve", headers=auth(admin_token), json={"delivered": True}),
        404,
        "not-found",
    )


def test_the_outbox_never_tells_an_admin_which_respondent_answered(
    client: TestClient, db: str, admin_token: str
) -> None:
    """A respondent's invitation cancelled once they answered would name them: only counts may tell."""
    fates = {
        "sudah-menjawab": DeliveryState.CANCELLED,
        "terkirim": DeliveryState.SENT,
        "menunggu": DeliveryState.PENDING,
        "tak-pasti": DeliveryState.UNCERTAIN,
    }
    with unit_of_work(db) as s:
        for who in fates:
            notify(
                s,
                key=f"survey:1:respondent:{who}",
                template="survey_invitation",
                recipients=[Recipient(account_id=None, email=f"{who}@asn.example.id")],
                due_at=utcnow() - timedelta(minutes=1),
                context={**CONTEXT, "round_id": 1},
            )
        s.flush()
        for reminder in s.exec(select(Reminder)):
            reminder.state = fates[reminder.recipient_email.split("@")[0]]
            reminder.last_error = (
                "responden sudah menjawab" if reminder.state is DeliveryState.CANCELLED else ""
            )
    _queue(db, 1)  # a notice to a person with nothing to hide

    listed = client.get("/api/v1/outbox", headers=auth(admin_token))
    assert listed.status_code == 200, listed.text
    assert "asn.example.id" not in listed.text and "sudah menjawab" not in listed.text
    items = listed.json()["items"]
    survey = [i for i in items if i["template"] == "survey_invitation"]
    # Only the delivery a person must settle is listed, and not whose it is.
    assert [(i["state"], i["recipient_email"], i["dedupe_key"]) for i in survey] == [
        ("uncertain", "", "survey_invitation:…")
    ]
    assert [i["recipient_email"] for i in items if i["template"] != "survey_invitation"] == [
        "warga0@example.id"
    ]
    for state in ("cancelled", "sent", "pending"):
        filtered = client.get(
            f"/api/v1/outbox?template=survey_invitation&state={state}", headers=auth(admin_token)
        )
        assert filtered.json()["items"] == [], state
