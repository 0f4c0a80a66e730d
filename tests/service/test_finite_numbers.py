"""Infinite numbers never enter: `Infinity`, `NaN` and `1e309` in any numeric field are a 422 naming it."""

from __future__ import annotations

import math
import typing
from typing import Any

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from pydantic import BaseModel, ValidationError

from policies.accounts.models import Role
from policies.core.db import unit_of_work
from policies.lifecycle.models import Stage
from policies.lifecycle.queries import get_policy
from tests.conftest import app_for
from tests.service.conftest import SLUG, auth, make_token, problem_of

# Written as the raw JSON a client sends: Python's json module (and so FastAPI) reads all of them.
NOT_FINITE = ["Infinity", "-Infinity", "NaN", "1e309", "-1e309"]


@pytest.fixture
def evaluator_token(db: str, catalog: None) -> str:
    """A token of an evaluator, with the catalogue's policy moved into evaluation."""
    with unit_of_work(db) as s:
        policy = get_policy(s, slug=SLUG)
        policy.stage = Stage.EVALUATION
        s.add(policy)
    return make_token(db, email="eva@siklus.test", name="Eva Evaluator", role=Role.EVALUATOR)


def _send(client: TestClient, method: str, url: str, token: str, raw: str) -> Any:
    headers = {**auth(token), "Content-Type": "application/json"}
    return client.request(method, url, headers=headers, content=raw.encode())


def _indicators(client: TestClient) -> list[dict[str, Any]]:
    return client.get(f"/api/v1/policies/{SLUG}/indicators").json()["items"]


@pytest.mark.parametrize("number", NOT_FINITE)
def test_an_infinite_target_or_baseline_is_refused_and_nothing_is_stored(
    client: TestClient, evaluator_token: str, number: str
) -> None:
    before = _indicators(client)
    url = f"/api/v1/policies/{SLUG}/indicators"
    for body in (
        f'{{"code": "tak_hingga", "name": "Uji", "unit": "persen", "target": {number}}}',
        f'{{"code": "tak_hingga", "name": "Uji", "unit": "persen", "target": 80, "baseline": {number}}}',
    ):
        said = problem_of(_send(client, "POST", url, evaluator_token, body), 422, "validation-error")
        assert {e["field"] for e in said["errors"]} & {"target", "baseline"}, said
    manual = next(i for i in before if i["source"] == "manual")
    for field in ("target", "baseline"):
        url = f"/api/v1/indicators/{manual['id']}"
        patched = _send(client, "PATCH", url, evaluator_token, f'{{"{field}": {number}}}')
        said = problem_of(patched, 422, "validation-error")
        assert [e["field"] for e in said["errors"]] == [field]
    url = f"/api/v1/indicators/{manual['id']}/measurements"
    measured = _send(client, "POST", url, evaluator_token, f'{{"value": {number}}}')
    assert [e["field"] for e in problem_of(measured, 422, "validation-error")["errors"]] == ["value"]
    assert _indicators(client) == before


def _number_fields(model: type[BaseModel], prefix: str = "") -> list[str]:
    """Return the dotted names of a request model's float fields, nested models included."""
    found: list[str] = []
    for name, info in model.model_fields.items():
        kinds = typing.get_args(info.annotation) or (info.annotation,)
        for kind in kinds:
            if typing.get_origin(kind) is typing.Annotated:
                kind = typing.get_args(kind)[0]
            if kind is float:
                found.append(prefix + name)
            elif isinstance(kind, type) and issubclass(kind, BaseModel):
                found += _number_fields(kind, prefix=f"{prefix}{name}.")
    return found


def test_every_number_of_every_request_body_refuses_infinity(client: TestClient) -> None:
    app = app_for(client.app.state.settings)  # type: ignore[attr-defined]
    checked = []
    for route in iter_route_contexts(app.routes):
        if getattr(route, "body_field", None) is None:
            continue
        model = route.body_field.field_info.annotation
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            continue
        for field in _number_fields(model):
            if "." in field:
                continue  # nested numbers are reached through their own model below
            with pytest.raises(ValidationError) as refused:
                model.model_validate({field: math.inf})
            errors = refused.value.errors()
            assert any(e["loc"][:1] == (field,) and e["type"] == "finite_number" for e in errors), (
                f"{route.path_format} {model.__name__}.{field} accepts Infinity"
            )
            checked.append(f"{model.__name__}.{field}")
    expected = {"IndicatorIn.target", "IndicatorIn.baseline", "IndicatorPatch.target", "MeasurementIn.value"}
    assert expected <= set(checked)
