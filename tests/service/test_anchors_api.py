"""Comment anchors over HTTP: posting on an element and a passage, refusals naming the field, the
anchor in lists and exports, and where a comment sits in a later version."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient
from sqlmodel import select

from policies.consultation.anchors import AnchorRequest, apply_anchor
from policies.consultation.models import Comment, Disposition, Outcome
from policies.core.db import unit_of_work
from policies.drafting import versions as drafts
from policies.drafting.models import TextElement
from policies.lifecycle.queries import get_policy
from tests.conftest import DRAFTER
from tests.service.conftest import SLUG, auth, open_consultation, problem_of

COMMENTS = f"/api/v1/policies/{SLUG}/comments"


def _parts(db: str) -> list[TextElement]:
    """Return the ayat and huruf of the version under consultation that have text."""
    with unit_of_work(db) as s:
        policy = get_policy(s, slug=SLUG)
        version = drafts.get_version(s, policy_id=policy.id, number=1)  # type: ignore[arg-type]
        rows = s.exec(
            select(TextElement).where(
                TextElement.version_id == version.id,  # type: ignore[union-attr]
                TextElement.kind.in_(("ayat", "huruf")),  # type: ignore[attr-defined]
            )
        ).all()
        s.expunge_all()
    return [e for e in rows if len(e.text) > 30]


def test_a_comment_on_an_ayat_and_on_a_passage(
    client: TestClient, drafter_token: str, stakeholder_token: str, db: str
) -> None:
    open_consultation(client, drafter_token)
    part, other = _parts(db)[0], next(e for e in _parts(db) if e.clause_key != _parts(db)[0].clause_key)
    on_part = client.post(
        COMMENTS,
        headers=auth(stakeholder_token),
        json={
            "clause_key": part.clause_key,
            "body": "Ayat ini perlu contoh.",
            "anchor": {"element_key": part.key},
        },
    )
    assert on_part.status_code == 201, on_part.text
    assert on_part.json()["anchor"] == {
        "element_key": part.key,
        "eid": part.eid,
        "label": part.label,
        "quote": "",
        "prefix": "",
        "suffix": "",
        "start": None,
        "end": None,
    }
    quote = part.text[5:25]
    on_passage = client.post(
        COMMENTS,
        headers=auth(stakeholder_token),
        json={
            "clause_key": part.clause_key,
            "body": "Kata-kata ini kabur.",
            "anchor": {"eid": part.eid, "quote": quote, "start": 5, "end": 25, "prefix": part.text[:5]},
        },
    )
    assert on_passage.status_code == 201, on_passage.text
    anchor = on_passage.json()["anchor"]
    assert (anchor["quote"], anchor["start"], anchor["end"], anchor["prefix"]) == (
        quote,
        5,
        25,
        part.text[:5],
    )
    assert anchor["suffix"] == part.text[25:57]
    # The lists, the comment and the exports carry the anchor.
    listed = client.get(COMMENTS, params={"clause_key": part.clause_key}).json()["items"]
    assert {c["id"]: c["anchor"] for c in listed}[on_passage.json()["id"]] == anchor
    assert client.get(f"{COMMENTS}/{on_part.json()['id']}").json()["anchor"]["eid"] == part.eid
    exported = list(csv.DictReader(io.StringIO(client.get(f"/api/v1/policies/{SLUG}/comments.csv").text)))
    row = next(r for r in exported if r["id"] == str(on_passage.json()["id"]))
    assert (row["element_key"], row["element_eid"], row["quote"], row["quote_start"]) == (
        part.key,
        part.eid,
        quote,
        "5",
    )
    records = client.get(f"/api/v1/policies/{SLUG}/comments.json").json()
    record = next(r for r in records if r["id"] == on_part.json()["id"])
    assert (record["element_key"], record["element_label"]) == (part.key, part.label)
    # Refusals name the field.
    refusals = {
        "anchor.element_key": {"element_key": other.key},
        "anchor.quote": {"element_key": part.key, "quote": "tidak ada di teks ini sama sekali"},
        "anchor.eid": {"eid": "pasal_999"},
    }
    for field, wrong in refusals.items():
        refused = client.post(
            COMMENTS,
            headers=auth(stakeholder_token),
            json={"clause_key": part.clause_key, "body": "Salah.", "anchor": wrong},
        )
        assert problem_of(refused, 422, "invalid-input")["errors"][0]["field"] == field, refused.text


def test_a_later_version_says_where_each_comment_went(client: TestClient, db: str) -> None:
    with unit_of_work(db) as s:
        drafts.publish_version(s, actor=DRAFTER, slug=SLUG, number=1)
        policy = get_policy(s, slug=SLUG)
        version = drafts.get_version(s, policy_id=policy.id, number=1)  # type: ignore[arg-type]
    part = _parts(db)[0]
    with unit_of_work(db) as s:
        comment = Comment(
            policy_id=policy.id,  # type: ignore[arg-type]
            version_id=version.id,  # type: ignore[arg-type]
            clause_key=part.clause_key,
            body="Mohon diperjelas.",
            text_hash="h",
            author_name="Budi",
        )
        apply_anchor(
            s, comment=comment, anchor=AnchorRequest(element_key=part.key, quote=part.text[:20], start=0)
        )
        s.add(comment)
        s.flush()
        s.add(Disposition(comment_id=comment.id, outcome=Outcome.NOTED, reason="Dicatat."))  # type: ignore[arg-type]
        comment_id = comment.id
        body = version.body.replace(part.text, "Teks yang seluruhnya ditulis ulang oleh perancang.")
        drafts.write_draft(s, actor=DRAFTER, slug=SLUG, body=body)
        drafts.publish_version(s, actor=DRAFTER, slug=SLUG, number=2)
    carried = client.get(
        f"/api/v1/policies/{SLUG}/versions/2/anchors", params={"clause_key": part.clause_key}
    )
    assert carried.status_code == 200, carried.text
    (item,) = carried.json()
    assert (item["comment_id"], item["from_version"], item["outcome"], item["element_label"]) == (
        comment_id,
        1,
        "noted",
        part.label,
    )
    assert (item["anchor"]["status"], item["anchor"]["method"], item["anchor"]["version"]) == (
        "moot",
        "element",
        2,
    )
    assert item["anchor"]["change_label"].endswith("diubah")
    placements = client.get(f"{COMMENTS}/{comment_id}/anchors").json()
    assert [p["version"] for p in placements] == [2] and placements[0]["eid"] == item["anchor"]["eid"]
    problem_of(client.get(f"/api/v1/policies/{SLUG}/versions/9/anchors"), 404, "not-found")


def test_a_comment_whose_pasal_was_removed_is_listed_on_the_new_versions_page(
    client: TestClient, db: str
) -> None:
    with unit_of_work(db) as s:
        drafts.publish_version(s, actor=DRAFTER, slug=SLUG, number=1)
        policy = get_policy(s, slug=SLUG)
        version = drafts.get_version(s, policy_id=policy.id, number=1)  # type: ignore[arg-type]
        pasal = s.exec(
            select(TextElement).where(TextElement.version_id == version.id, TextElement.kind == "pasal")  # type: ignore[union-attr]
        ).all()
        # A Pasal sharing its BAB with another (a BAB keeps at least one); those after it renumbered.
        last = max(
            (e for e in pasal if sum(o.parent_key == e.parent_key for o in pasal) > 1),
            key=lambda e: int(e.num),
        )
        comment = Comment(
            policy_id=policy.id,  # type: ignore[arg-type]
            version_id=version.id,  # type: ignore[arg-type]
            clause_key=last.clause_key,
            body="Pasal ini sebaiknya dipertahankan.",
            text_hash="h",
            author_name="Sari",
        )
        s.add(comment)
        s.flush()
        # The Pasal goes, with its entry in the Penjelasan; the Pasal after it are numbered again.
        lines, body_lines, skipping = version.body.split("\n"), [], False
        for line in lines:
            if line.startswith(("## ", "### ")):
                skipping = line.strip() == f"### Pasal {last.num}"
            if not skipping:
                body_lines.append(line)
        body = "\n".join(body_lines)
        for number in range(int(last.num) + 1, len(pasal) + 1):
            body = body.replace(f"### Pasal {number}\n", f"### Pasal {number - 1}\n")
        drafts.write_draft(s, actor=DRAFTER, slug=SLUG, body=body)
        drafts.publish_version(s, actor=DRAFTER, slug=SLUG, number=2)
    page = client.get(f"/policies/{SLUG}/versions/2")
    assert page.status_code == 200, page.text
    assert "Masukan pada pasal yang dihapus dalam versi ini (1)" in page.text
    assert "Pasal ini sebaiknya dipertahankan." in page.text
    assert f"Pasal {last.num} dihapus" in page.text
    # The version that still has the Pasal lists nothing of the kind.
    assert "pasal yang dihapus" not in client.get(f"/policies/{SLUG}/versions/1").text
