"""The indicators page: who may use it, adding an indicator with finite numbers written the Indonesian
way, entering a measurement, and a measurements CSV previewed with every rejected row explained."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from policies.accounts.models import Role
from policies.core.db import unit_of_work
from policies.evaluation.models import Indicator, Measurement
from tests.service.conftest import OTHER_UNIT, UNIT, make_token
from tests.web.conftest import SLUG, csrf_of, sign_in
from tests.web.test_evaluation_rounds_pages import in_evaluation, send

PAGE = f"/policies/{SLUG}/evaluation/indicators"
NEW = {
    "code": "rasio_daring",
    "name": "Jam pelajaran per ASN",
    "name_en": "Training hours per civil servant",
    "unit": "JP per ASN",
    "baseline": "12,5",
    "target": "20",
    "direction": "up",
    "source": "manual",
}


def indicator(db: str, code: str) -> Indicator | None:
    """Return the policy's indicator of a code, if any."""
    with unit_of_work(db) as s:
        row = s.exec(select(Indicator).where(Indicator.code == code)).first()
        if row is not None:
            s.expunge(row)
        return row


def values_of(db: str, indicator_id: int) -> list[float]:
    """Return an indicator's measured values, oldest first."""
    with unit_of_work(db) as s:
        rows = s.exec(
            select(Measurement).where(Measurement.indicator_id == indicator_id).order_by(Measurement.id)
        )
        return [m.value for m in rows]


@pytest.fixture
def eva(web: TestClient, db: str) -> str:
    """An evaluator of the policy's unit, signed in; the policy in evaluation."""
    in_evaluation(db)
    token = make_token(db, email="eva@siklus.test", name="Eva Evaluator", role=Role.EVALUATOR, unit=UNIT)
    sign_in(web, token)
    return token


@pytest.mark.parametrize(
    "role,unit", [(Role.STAKEHOLDER, ""), (Role.MODERATOR, ""), (Role.EVALUATOR, OTHER_UNIT)]
)
def test_the_indicators_page_and_its_forms_are_refused_to_others(
    web: TestClient, db: str, role: Role, unit: str
) -> None:
    in_evaluation(db)
    sign_in(web, make_token(db, email="other@siklus.test", role=role, unit=unit))
    assert web.get(PAGE).status_code == 403
    for path in (
        PAGE,
        f"/policies/{SLUG}/evaluation/measurements",
        f"/policies/{SLUG}/evaluation/measurements/import",
    ):
        sent = send(web, path, {**NEW, "indicator_id": "1", "value": "3"})
        assert sent.status_code == 403 and sent.headers["content-type"].startswith("text/html"), path
    assert indicator(db, "rasio_daring") is None


def test_an_indicator_takes_indonesian_numbers_and_refuses_a_bad_one_next_to_its_field(
    web: TestClient, db: str, eva: str
) -> None:
    bad = send(web, PAGE, {**NEW, "target": "banyak", "code": "JP"})
    assert bad.status_code == 422
    # Both bad fields at once, each beside its field, and a summary above linking to each.
    assert (
        '<p class="error" id="code-error">' in bad.text and '<p class="error" id="target-error">' in bad.text
    )
    summary = bad.text.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert 'href="#code"' in summary and 'href="#target"' in summary
    assert 'value="banyak"' in bad.text and 'value="Jam pelajaran per ASN"' in bad.text  # values kept
    infinite = send(web, PAGE, {**NEW, "target": "inf"})
    assert infinite.status_code == 422 and '<p class="error" id="target-error">' in infinite.text
    made = send(web, PAGE, NEW, follow_redirects=False)
    assert made.status_code == 303, made.text
    row = indicator(db, "rasio_daring")
    assert row is not None and (row.baseline, row.target) == (12.5, 20.0)
    page = web.get(PAGE)
    assert "12,5 JP per ASN" in page.text and "≥ 20 JP per ASN" in page.text


def test_a_measurement_is_entered_and_a_bad_value_is_refused_next_to_its_field(
    web: TestClient, db: str, eva: str
) -> None:
    send(web, PAGE, NEW)
    row = indicator(db, "rasio_daring")
    assert row is not None
    path = f"/policies/{SLUG}/evaluation/measurements"
    bad = send(web, path, {"indicator_id": str(row.id), "value": "dua", "note": "SIASN"})
    assert bad.status_code == 422 and '<p class="error" id="value-error">' in bad.text
    assert 'value="SIASN"' in bad.text
    assert (
        send(
            web, path, {"indicator_id": str(row.id), "value": "18,75", "measured_on": "2026-09-01"}
        ).status_code
        == 200
    )
    assert values_of(db, row.id) == [18.75]  # type: ignore[arg-type]
    assert "18,75" in web.get(PAGE).text


def test_a_measurements_csv_is_previewed_with_every_rejected_row_then_its_good_rows_recorded(
    web: TestClient, db: str, eva: str
) -> None:
    send(web, PAGE, NEW)
    row = indicator(db, "rasio_daring")
    assert row is not None
    csv_text = (
        "code;value;measured_on;note\nrasio_daring;16,5;2026-08-01;SIASN\ntidak_ada;3;;\nrasio_daring;x;;\n"
    )
    token = csrf_of(web, PAGE)
    path = f"/policies/{SLUG}/evaluation/measurements/import"
    preview = web.post(
        path, data={"csrf_token": token}, files={"file": ("ukur.csv", csv_text.encode(), "text/csv")}
    )
    assert preview.status_code == 200, preview.text
    shown = preview.context["preview"]  # type: ignore[attr-defined]
    assert [r.line for r in shown.accepted] == [2] and [r.line for r in shown.rejected] == [3, 4]
    assert (
        "indikator &#39;tidak_ada&#39; tidak dikenal" in preview.text
        and "nilai atau tanggal tidak valid" in preview.text
    )
    assert values_of(db, row.id) == []  # type: ignore[arg-type]
    done = web.post(
        path, data={"csrf_token": token, "confirm": "1", "csv_text": csv_text}, follow_redirects=False
    )
    assert done.status_code == 303
    assert values_of(db, row.id) == [16.5]  # type: ignore[arg-type]
    nothing = send(web, path, {})
    assert nothing.status_code == 422 and '<p class="error" id="file-error">' in nothing.text
