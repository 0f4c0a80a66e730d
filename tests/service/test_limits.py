"""Payload size: a body over settings.max_body_bytes is a 413 problem, declared or streamed."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi.testclient import TestClient

from policies.core.settings import Settings
from service.app import create_app
from tests.service.conftest import SLUG, auth, problem_of


def _small_client(settings: Settings) -> TestClient:
    return TestClient(create_app(settings.model_copy(update={"max_body_bytes": 1000})))


def test_declared_length_over_the_limit_is_413(settings: Settings, catalog: None, drafter_token: str) -> None:
    body = {"body": "### Pasal 1\n\n" + "kata " * 500}
    with _small_client(settings) as client:
        response = client.post(f"/api/v1/policies/{SLUG}/versions", headers=auth(drafter_token), json=body)
    assert "1000 bita" in problem_of(response, 413, "http-413")["detail"]


def test_streamed_body_over_the_limit_is_413(settings: Settings, catalog: None, drafter_token: str) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"body": "'
        for _ in range(50):
            yield b"x" * 100
        yield b'"}'

    headers = {**auth(drafter_token), "Content-Type": "application/json"}
    with _small_client(settings) as client:
        response = client.post(f"/api/v1/policies/{SLUG}/versions", headers=headers, content=chunks())
    problem_of(response, 413, "http-413")


def test_body_under_the_limit_passes(settings: Settings, catalog: None, drafter_token: str) -> None:
    with _small_client(settings) as client:
        response = client.post(
            f"/api/v1/policies/{SLUG}/versions",
            headers=auth(drafter_token),
            json={"body": "### Pasal 1\n\nIsi."},
        )
    assert response.status_code == 201
