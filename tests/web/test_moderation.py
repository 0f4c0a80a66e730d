"""The moderation queue on the pages: newest comments of open consultations, hiding with a reason."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import select

from policies.consultation.models import Comment
from policies.core.db import unit_of_work
from tests.service.conftest import open_consultation
from tests.web.conftest import clause_keys, comment, post_form, sign_in, use_english

QUEUE = "/moderation"


def test_the_queue_is_for_moderators_and_admins(
    web: TestClient, stakeholder: str, drafter: str, moderator: str, admin: str
) -> None:
    assert web.get(QUEUE, follow_redirects=False).headers["location"] == "/login?next=/moderation"
    for email, token in (("budi@asn.test", stakeholder), ("rina@bkpsdm.test", drafter)):
        sign_in(web, token)
        refused = web.get(QUEUE)
        assert refused.status_code == 403 and refused.template.name == "web/error.html", email  # type: ignore[attr-defined]
        assert 'href="/moderation"' not in refused.text
    for email, token in (("maya@siklus.test", moderator), ("ani@siklus.test", admin)):
        sign_in(web, token)
        page = web.get(QUEUE)
        assert page.status_code == 200 and page.template.name == "web/moderation.html", email  # type: ignore[attr-defined]
        assert '<a href="/moderation">Moderasi</a>' in page.text  # linked in the header


def test_hide_with_a_reason_then_find_it_in_the_hidden_tab_and_show_it_again(
    web: TestClient, drafter: str, moderator: str, db: str
) -> None:
    open_consultation(web, drafter)
    key = clause_keys(db)[0]
    older = comment(db, key=key, body="Masukan yang wajar.")
    newer = comment(db, key=key, body="Beli obat murah di situs ini!")
    sign_in(web, moderator)
    page = web.get(QUEUE)
    assert [c.id for c in page.context["page"].items] == [newer, older]  # type: ignore[attr-defined]
    assert "Belum ada masukan" not in page.text and "Beli obat murah" in page.text
    refused = post_form(
        web,
        f"{QUEUE}/perwal-kebijakan-kepegawaian-asn-2026/{newer}",
        {"hidden": "1", "reason": " "},
        page=QUEUE,
    )
    assert refused.status_code == 422 and refused.context["errors"] == {
        f"mod-{newer}": "Alasan moderasi wajib diisi."
    }  # type: ignore[attr-defined]
    assert f'aria-describedby="mod-{newer}-error"' in refused.text
    hidden = post_form(
        web,
        f"{QUEUE}/perwal-kebijakan-kepegawaian-asn-2026/{newer}",
        {"hidden": "1", "reason": "Spam iklan", "tab": "newest"},
        page=QUEUE,
        follow_redirects=False,
    )
    assert hidden.status_code == 303 and hidden.headers["location"] == f"{QUEUE}?tab=newest#comment-{newer}"
    tab = web.get(f"{QUEUE}?tab=hidden")
    items = tab.context["page"].items  # type: ignore[attr-defined]
    assert [(c.id, c.hidden_reason, c.hidden_by_name) for c in items] == [
        (newer, "Spam iklan", "Maya Moderator")
    ]
    assert "oleh Maya Moderator. Alasan: Spam iklan" in tab.text and "Tampilkan lagi" in tab.text
    shown = post_form(
        web,
        f"{QUEUE}/perwal-kebijakan-kepegawaian-asn-2026/{newer}",
        {"hidden": "0", "reason": "Ternyata pengumuman resmi", "tab": "hidden"},
        page=f"{QUEUE}?tab=hidden",
        follow_redirects=False,
    )
    assert shown.headers["location"] == f"{QUEUE}?tab=hidden#comment-{newer}"
    assert web.get(f"{QUEUE}?tab=hidden").context["page"].items == []  # type: ignore[attr-defined]
    with unit_of_work(db) as s:
        assert s.exec(select(Comment.hidden_at).where(Comment.id == newer)).one() is None


def test_the_queue_pages_back_through_older_comments(
    web: TestClient, drafter: str, moderator: str, db: str
) -> None:
    open_consultation(web, drafter)
    key = clause_keys(db)[0]
    ids = [comment(db, key=key, body=f"Masukan nomor {n}.") for n in range(55)]
    sign_in(web, moderator)
    first = web.get(QUEUE).context["page"]  # type: ignore[attr-defined]
    assert [c.id for c in first.items] == ids[::-1][:50] and first.next_before == ids[5]
    rest = web.get(f"{QUEUE}?before={first.next_before}").context["page"]  # type: ignore[attr-defined]
    assert [c.id for c in rest.items] == ids[4::-1] and rest.next_before is None
    use_english(web)
    assert "Newest comments of open consultations" in web.get(QUEUE).text
