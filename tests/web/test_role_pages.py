"""Every role meets a page, never a 500: the board and the comment form for each role."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from policies.accounts.models import Role
from tests.service.conftest import make_token, open_consultation
from tests.web.conftest import DRAFT, UNIT, post_form, sign_in, use_english

BOARD_ROLES = {Role.ADMIN, Role.DRAFTER, Role.MODERATOR, Role.EVALUATOR}


@pytest.mark.parametrize("role", list(Role))
def test_the_board_opens_or_refuses_every_role_with_a_page(web: TestClient, db: str, role: Role) -> None:
    sign_in(web, make_token(db, email=f"{role.value}@siklus.test", role=role, unit=UNIT))
    page = web.get("/board")
    if role in BOARD_ROLES:
        assert page.status_code == 200 and page.template.name == "web/board.html"  # type: ignore[attr-defined]
        return
    assert page.status_code == 403 and page.template.name == "web/error.html"  # type: ignore[attr-defined]
    assert page.context["title"] == "Tidak diizinkan"  # type: ignore[attr-defined]
    assert page.context["detail"] == "Tindakan ini hanya untuk peran: perancang, moderator, evaluator."  # type: ignore[attr-defined]


def test_a_stakeholder_opening_the_board_reads_why_in_english(web: TestClient, stakeholder: str) -> None:
    sign_in(web, stakeholder)
    use_english(web)
    page = web.get("/board")
    assert page.status_code == 403 and page.template.name == "web/error.html"  # type: ignore[attr-defined]
    assert "Only these roles may do this: drafter, moderator, evaluator." in page.text


def test_an_evaluators_comment_is_refused_beside_the_form_with_the_text_kept(
    web: TestClient, drafter: str, evaluator: str
) -> None:
    open_consultation(web, drafter)
    key = web.get(DRAFT).context["chapters"][0][1][0].key  # type: ignore[attr-defined]
    sign_in(web, evaluator)
    thread = f"{DRAFT}/clauses/{key}"
    typed = "Masukan evaluator yang tidak boleh dikirim."
    refused = post_form(web, f"{thread}/comments", {"body": typed, "stance": "for"}, page=thread)
    assert refused.status_code == 403 and refused.template.name == "web/thread.html"  # type: ignore[attr-defined]
    assert "evaluator menjalankan survei evaluasi" in refused.context["errors"]["form"]  # type: ignore[attr-defined]
    assert f">{typed}</textarea>" in refused.text
