"""Non-finite numbers are refused by the domain and the catalogue, not only by the API."""

from __future__ import annotations

import math

import pytest
import yaml
from pydantic import ValidationError
from sqlmodel import Session

from policies.accounts.access import SYSTEM
from policies.catalog.loader import IndicatorSpec
from policies.core.errors import InvalidInput
from policies.core.fields import finite_number
from policies.evaluation.indicators import create_indicator

SLUG = "perwal-kebijakan-kepegawaian-asn-2026"


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan])
def test_finite_number_refuses_naming_the_field_in_both_languages(value: float) -> None:
    with pytest.raises(InvalidInput) as refused:
        finite_number(value, field="target", label="Target", label_en="The target")
    assert refused.value.field == "target"
    assert "berhingga" in refused.value.in_language("id")[1]
    assert "finite" in refused.value.in_language("en")[1]
    assert finite_number(76.61, field="target", label="Target", label_en="The target") == 76.61
    assert finite_number(None, field="baseline", label="Nilai dasar", label_en="The baseline") is None


@pytest.mark.parametrize("field", ["target", "baseline"])
def test_an_indicator_with_an_infinite_number_is_refused_by_the_domain(
    session: Session, catalog: None, field: str
) -> None:
    numbers = {"target": 80.0, "baseline": 10.0, field: math.inf}
    with pytest.raises(InvalidInput) as refused:
        create_indicator(
            session, actor=SYSTEM, slug=SLUG, code="tak_hingga", name="Uji", unit="persen", **numbers
        )
    assert refused.value.field == field


@pytest.mark.parametrize("raw", [".inf", "-.inf", ".nan"])
def test_a_catalogue_indicator_with_an_infinite_number_is_refused(raw: str) -> None:
    spec = {"code": "uji", "name": "Uji", "name_en": "Test", "unit": "persen", "direction": "up"}
    spec["source"] = "manual"
    with pytest.raises(ValidationError):
        IndicatorSpec.model_validate({**spec, "target": yaml.safe_load(raw)})
    with pytest.raises(ValidationError):
        IndicatorSpec.model_validate({**spec, "target": 1, "baseline": yaml.safe_load(raw)})
