"""A clause's thread page: each comment with its answer and replies, a hidden one by its reason only."""

from __future__ import annotations

from fastapi.testclient import TestClient

from policies.accounts.access import Actor
from policies.accounts.models import Role
from policies.consultation.comments import create_reply, dispose, set_hidden
from policies.consultation.models import Outcome
from policies.core.db import unit_of_work
from tests.service.conftest import open_consultation
from tests.web.conftest import DRAFT, DRAFTER, SLUG, comment, sign_in

MODERATOR = Actor(id=None, name="Maya Moderator", role=Role.MODERATOR)


def test_the_thread_shows_answers_and_replies_and_hides_hidden_text_from_everyone(
    web: TestClient, drafter: str, moderator: str, db: str
) -> None:
    open_consultation(web, drafter)
    key = web.get(DRAFT).context["chapters"][0][1][0].key  # type: ignore[attr-defined]
    answered = comment(db, key=key, body="Mohon dirinci per jabatan.")
    rude = comment(db, key=key, body="Kata-kata kasar di sini.")
    waiting = comment(db, key=key, body="Belum ada jawaban untuk ini.")
    with unit_of_work(db) as s:
        dispose(s, actor=DRAFTER, slug=SLUG, comment_id=answered, outcome=Outcome.ACCEPTED, reason="Dirinci.")
        create_reply(s, actor=DRAFTER, slug=SLUG, parent_id=answered, body="Terima kasih.")
        set_hidden(s, actor=MODERATOR, slug=SLUG, comment_id=rude, hidden=True, reason="kasar")
    thread = f"{DRAFT}/clauses/{key}"
    for viewer in (None, moderator):
        if viewer is not None:
            sign_in(web, viewer)  # a moderator reads the hidden text in the queue, not here
        page = web.get(thread)
        items = page.context["thread"]  # type: ignore[attr-defined]
        assert [c.id for c in items] == [answered, rude, waiting]
        assert items[0].disposition.reason == "Dirinci." and [r.body for r in items[0].replies] == [
            "Terima kasih."
        ]
        assert items[1].hidden and items[2].disposition is None
        assert "Kata-kata kasar" not in page.text and ": kasar</p>" in page.text
        assert page.text.count('class="pending"') == 1  # only the visible comment without an answer
