"""A page's form is read by the API's request model: a bad value reads on the page as the API says it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field
from starlette.datastructures import FormData

from policies.core.errors import InvalidInput
from policies.core.settings import Settings
from service.api.schemas import Text
from service.web.forms import FormRefused, PageForm, errors_of, text
from tests.service.conftest import auth, open_consultation
from tests.web.conftest import DRAFT, SLUG, post_form, sign_in, use_english

API = f"/api/v1/policies/{SLUG}"
COCKPIT = f"/policies/{SLUG}/cockpit"


def _api_refusal(web: TestClient, path: str, body: dict[str, object], token: str, *, lang: str) -> str:
    answer = web.post(path, json=body, headers={**auth(token), "Accept-Language": lang})
    assert answer.status_code == 422, answer.text
    return str(answer.json()["detail"])


def test_a_comment_too_long_reads_on_the_thread_as_the_api_says_it(
    web: TestClient, drafter: str, stakeholder: str, settings: Settings
) -> None:
    open_consultation(web, drafter)
    key = web.get(DRAFT).context["chapters"][0][1][0].key  # type: ignore[attr-defined]
    sign_in(web, stakeholder)
    thread = f"{DRAFT}/clauses/{key}"
    typed = "x" * (settings.comment_max_length + 1)
    for lang in ("id", "en"):
        if lang == "en":
            use_english(web)
        said = _api_refusal(
            web, f"{API}/comments", {"clause_key": key, "body": typed}, stakeholder, lang=lang
        )
        page = post_form(web, f"{thread}/comments", {"body": typed, "stance": "for"}, page=thread)
        assert page.status_code == 422 and page.template.name == "web/thread.html"  # type: ignore[attr-defined]
        assert page.context["errors"] == {"body": said}  # type: ignore[attr-defined]
    assert said.startswith("The comment is too long")


def test_an_advance_reason_too_long_reads_on_the_cockpit_without_the_fields_name(
    web: TestClient, drafter: str
) -> None:
    sign_in(web, drafter)
    sent = {"to_stage": "workshop", "reason": "r" * 4001}
    for lang, expected in (("id", "Paling panjang 4.000 karakter."), ("en", "At most 4,000 characters.")):
        if lang == "en":
            use_english(web)
        # The API names its field for a program; the page words it for a person, numbers in the
        # page's language.
        said = _api_refusal(web, f"{API}/advance", sent, drafter, lang=lang)
        page = post_form(web, f"/policies/{SLUG}/advance", sent, page=COCKPIT)
        assert "reason" in said and page.status_code == 409
        assert page.context["refusal_reasons"] == [expected] and expected in page.text  # type: ignore[attr-defined]


class _Sample(BaseModel):
    title: Text = Field(min_length=3, max_length=10)
    count: int = Field(default=1, ge=1)
    note: Text | None = None


def _form(**fields: str) -> FormData:
    return FormData(list(fields.items()))


def test_a_page_form_fills_the_model_with_blank_optional_fields_left_to_their_default() -> None:
    parsed = PageForm(_Sample).parse(_form(title="Judul", count="", note="", csrf_token="x"))
    assert parsed == _Sample(title="Judul")
    assert PageForm(_Sample).parse(_form(title="typed"), title="given").title == "given"


PLAIN = PageForm(_Sample)
WORDED = PageForm(
    _Sample,
    refusals={"count": ("Isi jumlah.", "Give a count.")},
    texts=(text("title", "Judul", "The title"),),
)


@pytest.mark.parametrize(
    ("form", "fields", "field", "said", "said_en"),
    [
        # No wording of its own: what was wrong with the value, never the field's name in the model.
        (
            PLAIN,
            {"title": "x" * 11, "count": "0"},
            "title",
            "Paling panjang 10 karakter.",
            "At most 10 characters.",
        ),
        (
            PLAIN,
            {"title": "Judul", "count": "0"},
            "count",
            "Isi angka paling kecil 1.",
            "Give a number at least 1.",
        ),
        (PLAIN, {}, "title", "Wajib diisi.", "This field is required."),
        # A labelled text reads as the domain's text rule says it.
        (
            WORDED,
            {"title": "Lo"},
            "title",
            "Judul minimal 3 karakter.",
            "The title needs at least 3 characters.",
        ),
        (WORDED, {"title": "Ju\x00dul"}, "title", "Judul memuat karakter", "The title contains a character"),
        # The page's own wording of a value it does not offer.
        (WORDED, {"title": "Judul", "count": "nol"}, "count", "Isi jumlah.", "Give a count."),
    ],
)
def test_a_refused_page_form_names_its_field_in_both_languages(
    form: PageForm[_Sample], fields: dict[str, str], field: str, said: str, said_en: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        form.parse(_form(**fields))
    assert refused.value.field == field
    assert refused.value.in_language("id")[1].startswith(said)
    assert refused.value.in_language("en")[1].startswith(said_en)


def test_every_refused_field_of_a_form_is_named_at_once() -> None:
    with pytest.raises(FormRefused) as refused:
        WORDED.parse(_form(title="Lo", count="nol"))
    said = {name: r.in_language("id")[1] for name, r in refused.value.refusals.items()}
    assert said == {"title": "Judul minimal 3 karakter.", "count": "Isi jumlah."}
    assert errors_of(refused.value, locale="en") == {
        "title": "The title needs at least 3 characters.",
        "count": "Give a count.",
    }
