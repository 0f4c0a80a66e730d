"""Every cycle's consultation over HTTP: a second cycle's consultation hides none of the first's record.

The report (Markdown, HTML and the page), the comment exports and list, the windows with their
statistics, and the campaigns take ?cycle= (the lists also ?window_id=); without them they read the
current cycle, as before.
"""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient

from tests.second_cycle import (
    FIRST_ANSWER,
    FIRST_ANSWERED,
    FIRST_HIDDEN,
    HIDDEN_REASON,
    SECOND_COMMENT,
    SLUG,
    SecondCycle,
    second_consultation,
)
from tests.service.conftest import problem_of

API = f"/api/v1/policies/{SLUG}"


@pytest.fixture
def record(client: TestClient, db: str) -> SecondCycle:
    """Cycle 1's report published; cycle 2's consultation open with one comment."""
    return second_consultation(db)


def test_the_first_cycles_report_stays_published_at_its_address(
    client: TestClient, record: SecondCycle
) -> None:
    text = client.get(f"{API}/consultation/report.md", params={"cycle": 1})
    assert text.status_code == 200 and text.headers["content-type"].startswith("text/markdown")
    assert FIRST_ANSWERED in text.text and FIRST_ANSWER in text.text and SECOND_COMMENT not in text.text
    assert FIRST_HIDDEN not in text.text and f"> {HIDDEN_REASON}" in text.text
    for address in (
        f"{API}/consultation/report",
        f"{API}/consultation/report.html",
        f"/policies/{SLUG}/report",
    ):
        page = client.get(address, params={"cycle": 1})
        assert (
            page.status_code == 200 and FIRST_ANSWERED in page.text and "Siklus 1 kebijakan ini." in page.text
        )
    whole = client.get(f"/policies/{SLUG}/report", params={"cycle": 1, "full": 1})
    assert whole.status_code == 200 and FIRST_ANSWER in whole.text
    # Without a cycle: the current cycle's report, not published yet (as before).
    problem_of(client.get(f"{API}/consultation/report.md"), 404, "not-found")
    problem_of(client.get(f"{API}/consultation/report.md", params={"cycle": 3}), 404, "not-found")
    assert client.get(f"{API}/consultation/report.md", params={"cycle": 0}).status_code == 422


def test_the_first_cycles_comments_stay_listed_and_exported(client: TestClient, record: SecondCycle) -> None:
    first = client.get(f"{API}/comments.json", params={"cycle": 1}).json()
    assert {c["id"] for c in first} == {record.answered, record.hidden}
    assert next(c for c in first if c["id"] == record.answered)["disposition_reason"] == FIRST_ANSWER
    assert [c["id"] for c in client.get(f"{API}/comments.json").json()] == [record.second_comment]
    by_window = client.get(f"{API}/comments.json", params={"window_id": record.first_window}).json()
    assert len(by_window) == 2
    rows = list(csv.DictReader(io.StringIO(client.get(f"{API}/comments.csv", params={"cycle": 1}).text)))
    assert {int(r["id"]) for r in rows} == {record.answered, record.hidden}
    listed = client.get(f"{API}/comments", params={"cycle": 1}).json()["items"]
    assert {c["id"] for c in listed} == {record.answered, record.hidden}
    assert [c["id"] for c in client.get(f"{API}/comments").json()["items"]] == [record.second_comment]
    mismatch = {"cycle": 2, "window_id": record.first_window}
    problem_of(client.get(f"{API}/comments", params=mismatch), 404, "not-found")
    assert client.get(f"{API}/campaigns", params={"cycle": 1}).status_code == 200
    thread = client.get(f"{API}/comments/{record.answered}").json()
    assert thread["disposition"]["reason"] == FIRST_ANSWER


def test_the_first_cycles_windows_and_statistics_stay_readable(
    client: TestClient, record: SecondCycle
) -> None:
    now = client.get(f"{API}/consultation").json()
    assert now["window"]["id"] == record.second_window and now["cycle"] == 2 and now["cycles"] == [1, 2]
    first = client.get(f"{API}/consultation", params={"cycle": 1}).json()
    assert [w["id"] for w in first["windows"]] == [record.first_window] and first["cycle"] == 1
    assert first["window"]["report_published_at"] is not None
    assert (first["statistics"]["answered"], first["statistics"]["hidden"]) == (1, 1)
    one = client.get(f"{API}/consultation", params={"window_id": record.first_window}).json()
    assert one["window"]["id"] == record.first_window and one["cycle"] == 1
    cycles = client.get(f"{API}/consultation/cycles").json()
    assert [c["cycle"] for c in cycles] == [1, 2]
    assert cycles[0]["report_published_at"] is not None and cycles[1]["report_published_at"] is None
    body = problem_of(client.get(f"{API}/consultation", params={"cycle": 5}), 404, "not-found")
    assert "siklus 5" in str(body["detail"])


def test_the_policy_page_shows_earlier_cycles_and_links_their_record(
    client: TestClient, record: SecondCycle
) -> None:
    page = client.get(f"/policies/{SLUG}")
    assert page.status_code == 200
    assert [p.cycle for p in page.context["past_cycles"]] == [1]  # type: ignore[attr-defined]
    assert "Siklus 1</h3>" in page.text and "Siklus 2 (sekarang)</h3>" in page.text
    assert f'href="/policies/{SLUG}/report?cycle=1"' in page.text
    assert f'href="/api/v1/policies/{SLUG}/comments.csv?cycle=1"' in page.text
    assert f'href="/policies/{SLUG}/versions/1"' in page.text
