"""Offline inputs, scans, comments on behalf of signatories and "not me" reports over HTTP.

The "not me" walk sends its confirmation through the outbox to a real SMTP server (aiosmtpd) and
follows the link read from the delivered message.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from urllib.parse import parse_qs, urlparse

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient

from flows.delivery import deliver_due_emails
from policies.accounts.models import Role
from policies.core.i18n import format_share
from policies.core.settings import Settings
from tests.browser.signup import Mailbox
from tests.service.conftest import SLUG, auth, make_token, open_consultation, problem_of

BASE = f"/api/v1/policies/{SLUG}"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
LINK = re.compile(r"(http://\S+/bukan-saya\?token=\S+)")


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    """A real SMTP server (aiosmtpd) on a free port, keeping every message it accepts."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    handler = Mailbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


@pytest.fixture
def keys(client: TestClient, drafter_token: str) -> list[str]:
    """Open the catalogue policy's consultation over HTTP; return its clause keys."""
    open_consultation(client, drafter_token)
    return [c["key"] for c in client.get(f"{BASE}/versions/1").json()["clauses"]]


def _oral(key: str, **extra: object) -> dict[str, object]:
    return {
        "clause_key": key,
        "body": "Mohon jam pelatihan dikurangi bagi guru di pulau.",
        "source": "oral",
        "attributed_to": "Pak Made (guru SD)",
        "occasion": "sosialisasi di Kecamatan Pondok Aren",
        "occasion_on": "2026-01-05",
        "author_group": "asn",
        "contact_email": "made@warga.test",
        **extra,
    }


def test_an_officer_records_an_input_with_a_scan_that_staff_can_open(
    client: TestClient, keys: list[str], drafter_token: str, stakeholder_token: str, moderator_token: str
) -> None:
    problem_of(
        client.post(f"{BASE}/offline-inputs", headers=auth(stakeholder_token), json=_oral(keys[0])),
        403,
        "forbidden",
    )
    refused = client.post(
        f"{BASE}/offline-inputs", headers=auth(drafter_token), json=_oral(keys[0], occasion_on="2099-01-01")
    )
    assert "masa depan" in str(problem_of(refused, 422, "invalid-input")["detail"])
    made = client.post(f"{BASE}/offline-inputs", headers=auth(drafter_token), json=_oral(keys[0]))
    assert made.status_code == 201, made.text
    body = made.json()
    comment_id = body["comment"]["id"]
    assert body["comment"]["source"] == "oral" and body["comment"]["author_name"] == "Pak Made (guru SD)"
    assert body["attribution"].startswith("Disampaikan lisan oleh Pak Made (guru SD) pada sosialisasi")
    assert "made@warga.test" not in made.text  # the contact stays inside
    # The register lists it like any other comment.
    listed = client.get(f"{BASE}/comments", params={"clause_key": keys[0]}).json()["items"]
    assert [c["id"] for c in listed] == [comment_id]
    scan_url = f"{BASE}/comments/{comment_id}/scan"
    bad = client.put(scan_url, headers=auth(drafter_token), content=b"<html>", params={"filename": "x.html"})
    assert "PDF, PNG atau JPEG" in str(problem_of(bad, 422, "invalid-input")["detail"])
    problem_of(client.put(scan_url, headers=auth(stakeholder_token), content=PNG), 403, "forbidden")
    put = client.put(scan_url, headers=auth(drafter_token), content=PNG, params={"filename": "notulen.png"})
    assert put.status_code == 200 and put.json()["has_scan"] and not put.json()["scan_public"]
    problem_of(client.get(scan_url), 404, "not-found")  # private: staff only
    got = client.get(scan_url, headers=auth(moderator_token))
    assert got.status_code == 200 and got.content == PNG and got.headers["content-type"] == "image/png"
    assert "notulen.png" in got.headers["content-disposition"]
    source = client.get(f"{BASE}/comments/{comment_id}/source").json()
    assert source["source"]["has_scan"] and source["attribution_en"].startswith("Given orally by Pak Made")


def test_workshop_outcomes_become_inputs_once_over_http(
    client: TestClient, keys: list[str], drafter_token: str, moderator_token: str
) -> None:
    workshops = client.get(f"{BASE}/workshops", headers=auth(drafter_token)).json()
    workshop_id = workshops[0]["id"]
    added = client.post(
        f"{BASE}/workshops/{workshop_id}/outcomes",
        headers=auth(drafter_token),
        json={"text": "Pelatihan daring diakui.", "clause_key": keys[0], "raised_by": "Bu Rina"},
    )
    assert added.status_code == 201, added.text
    first = client.post(f"{BASE}/workshop-inputs", headers=auth(drafter_token))
    again = client.post(f"{BASE}/workshop-inputs", headers=auth(drafter_token))
    assert first.status_code == again.status_code == 200
    assert [c["created"] for c in first.json()] == [True] and [c["created"] for c in again.json()] == [False]
    assert first.json()[0]["comment_id"] == again.json()[0]["comment_id"]
    problem_of(client.post(f"{BASE}/workshop-inputs", headers=auth(moderator_token)), 403, "forbidden")


def test_on_behalf_count_is_public_and_names_are_for_moderators(
    client: TestClient, keys: list[str], stakeholder_token: str, moderator_token: str
) -> None:
    payload = {
        "clause_key": keys[0],
        "body": "Kami, anggota KORPRI ranting, menolak ketentuan ini.",
        "organisation": "KORPRI Ranting Serpong",
        "signatories": "nama\nAni\nBudi\nAni\nCici",
    }
    made = client.post(f"{BASE}/comments/on-behalf", headers=auth(stakeholder_token), json=payload)
    assert made.status_code == 201, made.text
    assert made.json()["signatory_count"] == 3 and "Cici" not in made.text
    url = f"{BASE}/comments/{made.json()['comment']['id']}/signatories"
    problem_of(client.get(url, headers=auth(stakeholder_token)), 403, "forbidden")
    problem_of(client.get(url), 401, "unauthenticated")
    assert client.get(url, headers=auth(moderator_token)).json()["signatories"] == ["Ani", "Budi", "Cici"]
    empty = client.post(
        f"{BASE}/comments/on-behalf", headers=auth(stakeholder_token), json={**payload, "signatories": "nama"}
    )
    assert problem_of(empty, 422, "invalid-input")["detail"]


def test_not_me_is_confirmed_through_a_real_mail_server_and_reviewed(
    client: TestClient,
    keys: list[str],
    stakeholder_token: str,
    moderator_token: str,
    settings: Settings,
    mailbox: tuple[Mailbox, int],
) -> None:
    box, port = mailbox
    made = client.post(
        f"{BASE}/comments", headers=auth(stakeholder_token), json={"clause_key": keys[0], "body": "Setuju."}
    )
    comment_id = made.json()["id"]
    url = f"{BASE}/comments/{comment_id}/not-me"
    wrong = client.post(url, json={"email": "orang@lain.test"})
    right = client.post(
        url, json={"nip": "198703152010011002", "statement": "Saya tidak pernah menulis ini."}
    )
    assert wrong.status_code == right.status_code == 202 and wrong.json() == right.json()  # tells nobody
    problem_of(client.post(url, json={}), 422, "invalid-input")
    mail = settings.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": port,
            "smtp_tls": False,
            "base_url": "http://siklus.test",
        }
    )
    assert deliver_due_emails(settings=mail).sent == 2  # the comment's receipt, then the not-me link
    [message] = [m for m in box.messages if "bukan kiriman Anda" in m["Subject"]]
    assert message["To"] == "budi@asn.test" and "bukan kiriman Anda" in message["Subject"]
    link = LINK.search(message.get_content())
    assert link, message.get_content()
    token = parse_qs(urlparse(link.group(1)).query)["token"][0]
    problem_of(client.post("/api/v1/not-me/confirm", json={"token": token + "x"}), 422, "invalid-input")
    confirmed = client.post("/api/v1/not-me/confirm", json={"token": token})
    assert confirmed.status_code == 200 and confirmed.json()["state"] == "confirmed"
    shown = client.get(f"{BASE}/comments/{comment_id}").json()
    assert shown["hidden"] and "menunggu peninjauan" in shown["hidden_reason"] and shown["body"] != "Setuju."
    problem_of(client.get(f"{BASE}/not-me-reports", headers=auth(stakeholder_token)), 403, "forbidden")
    [report] = client.get(f"{BASE}/not-me-reports", headers=auth(moderator_token)).json()
    review_url = f"{BASE}/not-me-reports/{report['id']}/review"
    problem_of(
        client.post(review_url, headers=auth(stakeholder_token), json={"upheld": True, "reason": "x"}),
        403,
        "forbidden",
    )
    reviewed = client.post(
        review_url, headers=auth(moderator_token), json={"upheld": True, "reason": "Akun dipakai orang lain."}
    )
    assert reviewed.status_code == 200 and reviewed.json()["state"] == "upheld"
    again = client.post(review_url, headers=auth(moderator_token), json={"upheld": False, "reason": "x"})
    assert "sudah ditinjau" in str(problem_of(again, 409, "conflict")["detail"])
    record = client.get(f"{BASE}/comments/{comment_id}").json()
    assert record["hidden"] and record["hidden_reason"].endswith("Akun dipakai orang lain.")
    [shown] = client.get(f"{BASE}/comments/{comment_id}/not-me-reviews").json()  # public, no token
    assert (shown["state"], shown["review_reason"]) == ("upheld", "Akun dipakai orang lain.")
    assert "statement" not in shown


def test_the_report_states_the_campaign_rule_with_the_deployments_threshold(
    client: TestClient,
    keys: list[str],
    stakeholder_token: str,
    drafter_token: str,
    db: str,
    settings: Settings,
) -> None:
    letter = "Kami menolak target dua puluh JP per tahun karena pelatihan tidak tersedia di daerah kami."
    sari = make_token(db, email="sari@warga.test", role=Role.STAKEHOLDER)
    for token in (stakeholder_token, sari):
        sent = client.post(
            f"{BASE}/comments", headers=auth(token), json={"clause_key": keys[0], "body": letter}
        )
        assert sent.status_code == 201, sent.text
    report = client.get(f"{BASE}/consultation/report.md", headers=auth(drafter_token))
    assert report.status_code == 200
    assert f"sekurang-kurangnya {format_share(settings.campaign_threshold)}" in report.text
    assert "2 masukan dalam kelompok ini." in report.text and "Kelompok ini belum dijawab." in report.text
