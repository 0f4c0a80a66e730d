"""From comment to change in the pages: the drafter's board (link by ticking, a reason for a text that
stayed, refusals beside their form, who may), the public record, my comments, the cockpit and report."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from policies.accounts.actions import actor_of
from policies.accounts.models import Account, Role
from policies.core.db import unit_of_work
from service.web.consultation import changes as pages
from tests.policies.trace_setup import Traced, consult_and_revise
from tests.service.conftest import make_token
from tests.web.conftest import SLUG, post_form, sign_in, use_english

BOARD = f"/policies/{SLUG}/changes"
TRACE = f"/policies/{SLUG}/trace"


@pytest.fixture
def traced(web: TestClient, db: str) -> Traced:
    return consult_and_revise(db)


def _link(web: TestClient, traced: Traced, ticked: list[int], shown: list[int] | None = None):  # type: ignore[no-untyped-def]
    data: dict[str, object] = {
        "version_number": "2",
        "element_key": traced.huruf_b,
        "shown": [str(i) for i in (shown or [traced.accepted, traced.partly])],
        "comment_id": [str(i) for i in ticked],
    }
    return post_form(web, f"{BOARD}/link", data, page=BOARD, follow_redirects=False)  # type: ignore[arg-type]


def test_the_board_shows_the_changed_element_with_the_accepted_comments_to_tick(
    web: TestClient, drafter: str, traced: Traced
) -> None:
    sign_in(web, drafter)
    page = web.get(BOARD)
    assert page.status_code == 200 and page.template.name == "web/changes.html"  # type: ignore[attr-defined]
    [change] = [b for b in page.context["board"] if b.change.new_key == traced.huruf_b]  # type: ignore[attr-defined]
    assert [i.comment.id for i in change.items] == [traced.accepted, traced.partly]
    assert not any(i.linked for i in change.items)
    assert "2 masukan yang diterima belum ditautkan ke perubahan" in page.text
    assert "<ins>" in page.text and "meningkatkan" in page.text
    assert f'id="el-{traced.huruf_b}"' in page.text
    assert "Masukan diterima yang dijawab perubahan ini" in page.text
    # The comment on Pasal 3 was not accepted: it is not offered.
    assert f'value="{traced.refused}"' not in page.text


def test_ticking_links_and_unticking_unlinks(web: TestClient, drafter: str, traced: Traced) -> None:
    sign_in(web, drafter)
    sent = _link(web, traced, [traced.accepted])
    assert sent.status_code == 303
    assert sent.headers["location"] == f"{BOARD}?linked={traced.huruf_b}#el-{traced.huruf_b}"
    page = web.get(BOARD)
    [change] = [b for b in page.context["board"] if b.change.new_key == traced.huruf_b]  # type: ignore[attr-defined]
    assert [i.linked for i in change.items] == [True, False]
    assert [t.comment.id for t in page.context["untraced"]] == [traced.partly]  # type: ignore[attr-defined]
    assert re.search(rf'value="{traced.accepted}" checked', page.text)
    assert _link(web, traced, []).status_code == 303
    assert len(web.get(BOARD).context["untraced"]) == 2  # type: ignore[attr-defined]


def test_a_reason_for_a_text_that_stayed_and_its_refusals_shown_beside_the_form(
    web: TestClient, drafter: str, traced: Traced
) -> None:
    sign_in(web, drafter)
    path = f"{BOARD}/unchanged/{traced.partly}"
    blank = post_form(web, path, {"reason": "   "}, page=BOARD)
    assert blank.status_code == 422
    assert "Tulis alasan mengapa teksnya tetap" in blank.text and 'aria-invalid="true"' in blank.text
    sent = post_form(
        web, path, {"reason": "Rincian tunjangan diatur Perwal lain."}, page=BOARD, follow_redirects=False
    )
    assert sent.status_code == 303 and sent.headers["location"] == f"{BOARD}#comment-{traced.partly}"
    page = web.get(BOARD)
    assert "Rincian tunjangan diatur Perwal lain.</textarea>" in page.text
    # A comment not accepted has no reason to give here: the refusal names it.
    refused = post_form(web, f"{BOARD}/unchanged/{traced.refused}", {"reason": "Tetap."}, page=BOARD)
    assert refused.status_code == 409 and "tidak diterima (seluruhnya atau sebagian)" in refused.text
    ticked = _link(web, traced, [traced.refused])
    assert ticked.status_code == 422 and "tidak ada di antara masukan yang ditampilkan" in ticked.text
    assert f'id="el-{traced.huruf_b}-error"' in ticked.text


def test_the_board_is_for_the_owning_unit_and_admins(
    web: TestClient, traced: Traced, stakeholder: str, other_drafter: str, admin: str
) -> None:
    assert web.get(BOARD, follow_redirects=False).headers["location"] == f"/login?next={BOARD}"
    for token in (stakeholder, other_drafter):
        sign_in(web, token)
        assert web.get(BOARD).status_code == 403
        assert _link(web, traced, [traced.accepted]).status_code == 403
    sign_in(web, admin)
    assert web.get(BOARD).status_code == 200
    # A form without its CSRF token is refused before anything is read.
    sent = web.post(f"{BOARD}/link", data={"version_number": "2", "element_key": traced.huruf_b})
    assert sent.status_code == 403


def test_the_public_record_puts_comments_answers_and_the_resulting_text_side_by_side(
    web: TestClient, drafter: str, traced: Traced
) -> None:
    sign_in(web, drafter)
    _link(web, traced, [traced.accepted])
    web.cookies.clear()
    page = web.get(TRACE)
    assert page.status_code == 200 and page.template.name == "web/trace.html"  # type: ignore[attr-defined]
    assert [r.label for r in page.context["records"]] == ["Pasal 2", "Pasal 3"]  # type: ignore[attr-defined]
    assert "Teks yang dikonsultasikan (versi 1)" in page.text and "Teks yang dihasilkan" in page.text
    assert "meningkatkan kesejahteraan Pegawai ASN melalui tunjangan kinerja" in page.text
    assert f"Masukan #{traced.partly}: perubahannya belum ditautkan." in page.text
    assert "Pendanaan tetap diatur karena menjadi dasar anggaran." in page.text
    use_english(web)
    assert "Resulting text" in web.get(TRACE).text
    assert web.get(f"{TRACE}?cycle=9").status_code == 404


def test_my_comments_follow_each_accepted_comment_into_the_text(web: TestClient, db: str) -> None:
    token = make_token(db, email="sari@asn.test", role=Role.STAKEHOLDER)
    with unit_of_work(db) as s:
        author = actor_of(s.exec(select(Account).where(Account.email == "sari@asn.test")).one())
    traced = consult_and_revise(db, author=author)
    drafter = make_token(
        db, email="rina@bkpsdm.test", role=Role.DRAFTER, unit="BKPSDM Kota Tangerang Selatan"
    )
    sign_in(web, drafter)
    assert _link(web, traced, [traced.accepted]).status_code == 303
    sign_in(web, token)
    page = web.get("/me/comments")
    assert "Masukan Anda pada Pasal 2 → diterima → teks kini berbunyi:" in page.text
    assert "meningkatkan kesejahteraan Pegawai ASN melalui tunjangan kinerja" in page.text
    assert f'href="/policies/{SLUG}/trace#comment-{traced.accepted}"' in page.text


def test_the_cockpit_names_the_untraced_comments_and_links_to_the_board(
    web: TestClient, drafter: str, traced: Traced
) -> None:
    sign_in(web, drafter)
    cockpit = web.get(f"/policies/{SLUG}/cockpit").text
    assert f"masukan #{traced.accepted} (Pasal 2), masukan #{traced.partly} (Pasal 2)" in cockpit
    assert f'<a class="satisfy" href="{BOARD}">Tautkan perubahannya</a>' in cockpit
    _link(web, traced, [traced.accepted, traced.partly])
    report = web.get(f"/policies/{SLUG}/report").text
    assert "Matriks perubahan" in report and "Rumusan baru" in report


def test_before_the_next_version_the_board_asks_for_it_and_takes_reasons(
    web: TestClient, db: str, drafter: str
) -> None:
    traced = consult_and_revise(db, publish=False)
    sign_in(web, drafter)
    page = web.get(BOARD)
    assert "Versi 1 telah dikonsultasikan. Tulis teks perbaikannya" in page.text
    assert page.context["board"] == []  # type: ignore[attr-defined]
    assert f'action="{BOARD}/unchanged/{traced.accepted}"' in page.text


def test_the_public_record_shows_a_few_answers_per_clause_and_links_the_rest(
    web: TestClient, db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    traced = consult_and_revise(db)
    monkeypatch.setattr(pages, "SHOWN_ANSWERS", 0)
    page = web.get(TRACE)
    assert f"#{traced.refused} · " not in page.text
    assert "1 masukan lain yang sudah dijawab pada pasal ini" in page.text
    assert f'href="/policies/{SLUG}/versions/1/clauses/{traced.pasal_3}"' in page.text
