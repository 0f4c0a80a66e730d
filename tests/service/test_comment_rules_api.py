"""The comment register's rules over HTTP: who may comment, reply and vote, and each refusal."""

from __future__ import annotations

import base64
import csv
import io
import json

import pytest
from fastapi.testclient import TestClient

from policies.accounts.models import Role, StakeholderGroup
from tests.service.conftest import SLUG, auth, make_token, open_consultation, problem_of

BASE = f"/api/v1/policies/{SLUG}"
URL = f"{BASE}/comments"


@pytest.fixture
def clause(client: TestClient, drafter_token: str) -> dict[str, str]:
    """Open the consultation; return the first clause of the version under consultation."""
    open_consultation(client, drafter_token)
    return client.get(f"{BASE}/versions/1").json()["clauses"][0]


def _post(client: TestClient, token: str, key: str, body: str, **extra: object) -> dict:
    made = client.post(URL, headers=auth(token), json={"clause_key": key, "body": body, **extra})
    assert made.status_code == 201, made.text
    return made.json()


def test_only_stakeholders_comment_and_vote(
    client: TestClient,
    clause: dict[str, str],
    stakeholder_token: str,
    drafter_token: str,
    moderator_token: str,
    admin_token: str,
) -> None:
    made = _post(client, stakeholder_token, clause["key"], "Masukan warga.")
    body = {"clause_key": clause["key"], "body": "Masukan staf."}
    for token, part in (
        (drafter_token, "tindak lanjut"),
        (moderator_token, "menyembunyikan"),
        (admin_token, "mengelola akun"),
    ):
        refused = problem_of(client.post(URL, headers=auth(token), json=body), 403, "forbidden")
        assert refused["detail"].startswith("Hanya pemangku kepentingan yang dapat mengirim masukan")
        assert part in refused["detail"]
        vote = client.put(f"{URL}/{made['id']}/vote", headers=auth(token), json={"value": 1})
        assert "memberi dukungan" in problem_of(vote, 403, "forbidden")["detail"]
    english = client.post(URL, headers={**auth(drafter_token), "Accept-Language": "en"}, json=body).json()
    assert english["detail"] == (
        "Only stakeholders can send comments; a drafter answers comments through dispositions and "
        "may reply to them."
    )


def test_replies_come_from_stakeholders_the_owning_unit_and_admins(
    client: TestClient,
    clause: dict[str, str],
    stakeholder_token: str,
    drafter_token: str,
    other_drafter_token: str,
    moderator_token: str,
    admin_token: str,
) -> None:
    made = _post(client, stakeholder_token, clause["key"], "Perlu dirinci.")
    replies = f"{URL}/{made['id']}/replies"
    for token in (stakeholder_token, drafter_token, admin_token):
        assert client.post(replies, headers=auth(token), json={"body": "Balasan."}).status_code == 201
    moderator = problem_of(
        client.post(replies, headers=auth(moderator_token), json={"body": "x"}), 403, "forbidden"
    )
    assert "moderator menyembunyikan" in moderator["detail"]
    other = problem_of(
        client.post(replies, headers=auth(other_drafter_token), json={"body": "x"}), 403, "forbidden"
    )
    assert "BKPSDM Kota Tangerang Selatan" in other["detail"]


def test_reply_refusals(
    client: TestClient, clause: dict[str, str], stakeholder_token: str, drafter_token: str
) -> None:
    made = _post(client, stakeholder_token, clause["key"], "Masukan pokok.")
    reply = client.post(f"{URL}/{made['id']}/replies", headers=auth(drafter_token), json={"body": "Jawab."})
    nested = client.post(
        f"{URL}/{reply.json()['id']}/replies", headers=auth(stakeholder_token), json={"body": "x"}
    )
    assert problem_of(nested, 422, "invalid-input")["errors"][0]["field"] == "parent_id"
    blank = client.post(f"{URL}/{made['id']}/replies", headers=auth(stakeholder_token), json={"body": "   "})
    assert problem_of(blank, 422, "invalid-input")["errors"][0]["field"] == "body"
    problem_of(
        client.post(f"{URL}/999999/replies", headers=auth(stakeholder_token), json={"body": "x"}),
        404,
        "not-found",
    )
    assert client.post(f"{BASE}/consultation/close", headers=auth(drafter_token)).status_code == 200
    late = client.post(
        f"{URL}/{made['id']}/replies", headers=auth(stakeholder_token), json={"body": "Telat."}
    )
    assert "sudah ditutup" in problem_of(late, 409, "conflict")["detail"]


def test_vote_refusals(
    client: TestClient,
    clause: dict[str, str],
    stakeholder_token: str,
    drafter_token: str,
    moderator_token: str,
    db: str,
) -> None:
    made = _post(client, stakeholder_token, clause["key"], "Dukung saya.")
    sari = make_token(db, email="sari@warga.test", role=Role.STAKEHOLDER)
    vote = f"{URL}/{made['id']}/vote"
    assert client.put(vote, headers=auth(sari), json={"value": 1}).json()["support_count"] == 1
    assert client.put(vote, headers=auth(sari), json={"value": -1}).json()["oppose_count"] == 1
    out_of_range = problem_of(
        client.put(vote, headers=auth(sari), json={"value": 2}), 422, "validation-error"
    )
    assert out_of_range["errors"][0]["field"] == "value"
    problem_of(client.put(f"{URL}/999999/vote", headers=auth(sari), json={"value": 1}), 404, "not-found")
    reply = client.post(
        f"{URL}/{made['id']}/replies", headers=auth(drafter_token), json={"body": "Jawab."}
    ).json()
    on_reply = client.put(f"{URL}/{reply['id']}/vote", headers=auth(sari), json={"value": 1})
    assert problem_of(on_reply, 422, "invalid-input")["errors"][0]["field"] == "comment_id"
    rude = _post(client, stakeholder_token, clause["key"], "Kata kasar.")
    client.post(f"{URL}/{rude['id']}/hide", headers=auth(moderator_token), json={"reason": "kasar"})
    hidden = client.put(f"{URL}/{rude['id']}/vote", headers=auth(sari), json={"value": 1})
    assert "disembunyikan moderator" in problem_of(hidden, 409, "conflict")["detail"]
    assert client.post(f"{BASE}/consultation/close", headers=auth(drafter_token)).status_code == 200
    closed = client.put(vote, headers=auth(sari), json={"value": 0})
    assert "sudah ditutup" in problem_of(closed, 409, "conflict")["detail"]


def test_a_quote_must_be_copied_exactly_from_the_clause(
    client: TestClient, clause: dict[str, str], stakeholder_token: str
) -> None:
    exact = clause["body"].split(".")[0][:40]
    made = _post(client, stakeholder_token, clause["key"], "Bagian ini kurang jelas.", quote=exact)
    assert made["quote"] == exact
    wrong = client.post(
        URL,
        headers=auth(stakeholder_token),
        json={"clause_key": clause["key"], "body": "Kurang jelas.", "quote": exact + " yang tidak ada"},
    )
    assert problem_of(wrong, 422, "invalid-input")["errors"][0]["field"] == "quote"


def test_sort_by_support_and_filter_by_author_group(
    client: TestClient, clause: dict[str, str], stakeholder_token: str, db: str
) -> None:
    union = make_token(db, email="korpri@serikat.test", role=Role.STAKEHOLDER, group=StakeholderGroup.UNION)
    voters = [make_token(db, email=f"v{n}@warga.test", role=Role.STAKEHOLDER) for n in range(3)]
    quiet = _post(client, stakeholder_token, clause["key"], "Masukan tanpa dukungan.")
    loved = _post(client, union, clause["key"], "Masukan serikat yang banyak didukung.")
    liked = _post(client, stakeholder_token, clause["key"], "Masukan dengan satu dukungan.")
    for token in voters:
        client.put(f"{URL}/{loved['id']}/vote", headers=auth(token), json={"value": 1})
    client.put(f"{URL}/{liked['id']}/vote", headers=auth(voters[0]), json={"value": 1})
    first = client.get(URL, params={"sort": "support", "limit": 2}).json()
    assert [c["id"] for c in first["items"]] == [loved["id"], liked["id"]]
    rest = client.get(URL, params={"sort": "support", "limit": 2, "cursor": first["next_cursor"]}).json()
    assert [c["id"] for c in rest["items"]] == [quiet["id"]] and rest["next_cursor"] is None
    unions = client.get(URL, params={"author_group": "union"}).json()["items"]
    assert [c["id"] for c in unions] == [loved["id"]] and unions[0]["author_group"] == "union"
    asn = client.get(URL, params={"author_group": "asn", "sort": "oldest"}).json()["items"]
    assert [c["id"] for c in asn] == [quiet["id"], liked["id"]]
    problem_of(client.get(URL, params={"author_group": "partai"}), 422, "validation-error")


def test_forged_cursors_are_422(client: TestClient, clause: dict[str, str]) -> None:
    def forge(sort: str, *key: object) -> str:
        # The page's own format (see page_cursor), carrying values no page writes.
        names = ("support", "id") if sort == "support" else ("id",)
        values = {"sort": sort, **dict(zip(names, key, strict=True))}
        return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")

    for cursor in (
        forge("newest", 2**31),
        forge("newest", -1),
        forge("newest", True),
        forge("support", 1.5, 2),
    ):
        body = problem_of(client.get(URL, params={"cursor": cursor}), 422, "invalid-input")
        assert body["errors"][0]["field"] == "cursor"
    assert client.get(URL, params={"cursor": forge("newest", 2**31 - 1)}).status_code == 200
    huge = forge("newest", 10**400).replace("=", "")
    problem_of(client.get(URL, params={"cursor": huge[:200]}), 422, "invalid-input")


def test_bodies_are_stored_exactly_as_sent(
    client: TestClient, clause: dict[str, str], stakeholder_token: str
) -> None:
    text = "  Mohon dirinci:\n\n- golongan III\n- golongan IV  \n"
    made = _post(client, stakeholder_token, clause["key"], text)
    assert made["body"] == text and client.get(f"{URL}/{made['id']}").json()["body"] == text
    blank = client.post(
        URL, headers=auth(stakeholder_token), json={"clause_key": clause["key"], "body": " \n\t "}
    )
    assert problem_of(blank, 422, "invalid-input")["errors"][0]["field"] == "body"


def test_moderation_and_votes_answer_with_the_disposition(
    client: TestClient,
    clause: dict[str, str],
    stakeholder_token: str,
    drafter_token: str,
    moderator_token: str,
    db: str,
) -> None:
    made = _post(client, stakeholder_token, clause["key"], "Kurang tegas.")
    answer = {"outcome": "partly", "reason": "Dipertegas sebagian."}
    assert client.put(f"{URL}/{made['id']}/disposition", headers=auth(drafter_token), json=answer).is_success
    sari = make_token(db, email="sari@warga.test", role=Role.STAKEHOLDER)
    voted = client.put(f"{URL}/{made['id']}/vote", headers=auth(sari), json={"value": 1}).json()
    assert voted["disposition"]["outcome"] == "partly"
    hidden = client.post(f"{URL}/{made['id']}/hide", headers=auth(moderator_token), json={"reason": "uji"})
    assert (
        hidden.json()["hidden"] is True and hidden.json()["disposition"]["reason"] == "Dipertegas sebagian."
    )
    shown = client.post(
        f"{URL}/{made['id']}/unhide", headers=auth(moderator_token), json={"reason": "banding"}
    )
    assert shown.status_code == 200
    assert (shown.json()["hidden"], shown.json()["disposition"]["outcome"]) == (False, "partly")
    public = client.get(f"{URL}/{made['id']}").json()
    assert (public["body"], public["hidden"], public["hidden_reason"]) == ("Kurang tegas.", False, "")
    problem_of(
        client.post(f"{URL}/{made['id']}/unhide", headers=auth(stakeholder_token), json={"reason": "x"}),
        403,
        "forbidden",
    )
    problem_of(
        client.post(f"{URL}/{made['id']}/unhide", headers=auth(moderator_token), json={}),
        422,
        "validation-error",
    )


def test_public_campaigns_never_show_hidden_text(
    client: TestClient, clause: dict[str, str], moderator_token: str, db: str
) -> None:
    letter = "Kami menolak kewajiban dua puluh jam pelajaran karena pelatihan tidak tersedia di daerah kami"
    tokens = [make_token(db, email=f"guru{n}@warga.test", role=Role.STAKEHOLDER) for n in range(2)]
    first, second = (_post(client, t, clause["key"], letter + "!" * n) for n, t in enumerate(tokens))
    hide = {"reason": "berisi data pribadi"}
    client.post(f"{URL}/{first['id']}/hide", headers=auth(moderator_token), json=hide)
    public = client.get(f"{BASE}/campaigns").json()
    assert [(c["representative_comment_id"], c["representative_text"]) for c in public] == [
        (second["id"], letter + "!")
    ]
    client.post(f"{URL}/{second['id']}/hide", headers=auth(moderator_token), json=hide)
    assert client.get(f"{BASE}/campaigns").json() == []
    assert [c["size"] for c in client.get(f"{BASE}/campaigns", headers=auth(moderator_token)).json()] == [2]
    assert client.get(f"{BASE}/consultation").json()["statistics"]["campaigns"] == 0
    assert letter not in client.get(f"{BASE}/consultation/report.html").text


def test_csv_cells_cannot_run_as_formulas(
    client: TestClient, clause: dict[str, str], stakeholder_token: str, drafter_token: str
) -> None:
    bodies = ['=HYPERLINK("http://x")', "+62 812", "-5 JP", "@SUM(A1)", "\tTab", "\rCR", "Biasa saja."]
    made = [_post(client, stakeholder_token, clause["key"], b) for b in bodies]
    answer = {"outcome": "noted", "reason": "=1+1 dicatat.", "next_clause_key": "@pasal"}
    client.put(f"{URL}/{made[0]['id']}/disposition", headers=auth(drafter_token), json=answer)
    rows = {int(r["id"]): r for r in csv.DictReader(io.StringIO(client.get(f"{BASE}/comments.csv").text))}
    assert [rows[m["id"]]["body"] for m in made] == ["'" + b for b in bodies[:-1]] + ["Biasa saja."]
    assert rows[made[0]["id"]]["disposition_reason"] == "'=1+1 dicatat."
    assert rows[made[0]["id"]]["next_clause_key"] == "'@pasal"
    records = {r["id"]: r for r in client.get(f"{BASE}/comments.json").json()}
    assert [records[m["id"]]["body"] for m in made] == bodies  # JSON is never a spreadsheet: unchanged
