"""Pages keep an earlier cycle's consultation: the staff's comment list reads it by ?cycle= too."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.second_cycle import FIRST_ANSWERED, FIRST_HIDDEN, SECOND_COMMENT, SLUG, second_consultation
from tests.web.conftest import sign_in


def test_triage_lists_an_earlier_cycles_comments_by_its_cycle(web: TestClient, db: str, drafter: str) -> None:
    record = second_consultation(db)
    sign_in(web, drafter)
    first = web.get(f"/policies/{SLUG}/triage", params={"cycle": 1})
    assert first.status_code == 200
    listed = [c.id for c in first.context["page"].items]  # type: ignore[attr-defined]
    assert sorted(listed) == [record.answered, record.hidden]
    assert FIRST_ANSWERED in first.text and FIRST_HIDDEN in first.text  # the owning unit reads hidden text
    assert '<input type="hidden" name="cycle" value="1">' in first.text and "(siklus 1)" in first.text
    assert first.context["undisposed"] == 0  # type: ignore[attr-defined]
    now = web.get(f"/policies/{SLUG}/triage")
    assert [c.id for c in now.context["page"].items] == [record.second_comment]  # type: ignore[attr-defined]
    assert SECOND_COMMENT in now.text and FIRST_ANSWERED not in now.text
    assert web.get(f"/policies/{SLUG}/triage", params={"cycle": 7}).status_code == 404
    for junk in ("0", "x", "9" * 5000, "١"):  # not a cycle: the current cycle's list
        assert web.get(f"/policies/{SLUG}/triage", params={"cycle": junk}).status_code == 200
