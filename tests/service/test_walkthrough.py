"""docs/api-walkthrough.md cannot rot: every shell line of it runs here, curl through TestClient."""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from policies.core.settings import get_settings
from service.cli import app as cli

DOC = Path(__file__).resolve().parents[2] / "docs" / "api-walkthrough.md"
BLOCK = re.compile(r"```sh\n(.*?)```", re.DOTALL)
CAPTURE = re.compile(r"^(\w+)=\$\((curl .*?)\s*\|\s*jq -r '?([^')]+)'?\)$", re.DOTALL)
ASSIGN = re.compile(r"^(?:export\s+)?(\w+)=(.*)$", re.DOTALL)
VAR = re.compile(r"\$\{(\w+)\}|\$(\w+)")


def commands(text: str) -> list[str]:
    """Return the shell commands of the sh blocks, continuation lines joined, comments dropped."""
    found: list[str] = []
    for block in BLOCK.findall(text):
        for line in block.replace("\\\n", " ").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                found.append(line)
    return found


def expand(text: str, env: dict[str, str]) -> str:
    """Substitute $VAR and ${VAR} the way the shell would (unknown names are an error)."""

    def value(m: re.Match[str]) -> str:
        name = m.group(1) or m.group(2)
        if name not in env:
            raise AssertionError(f"{DOC.name}: ${name} is used before it is set")
        return env[name]

    return VAR.sub(value, text)


def jq(document: Any, path: str) -> str:
    """Evaluate the small jq paths the walkthrough uses: .a.b, .a[0].b."""
    for name, index in re.findall(r"\.(\w+)|\[(\d+)\]", path):
        document = document[name] if name else document[int(index)]
    return document if isinstance(document, str) else json.dumps(document)


def curl(client: TestClient, argv: list[str]) -> Any:
    """Run a `curl` command line against the app; a non-2xx answer fails the walkthrough."""
    assert argv[0] == "curl", argv
    method, url, headers, data = "", "", {}, None
    args = iter(argv[1:])
    for arg in args:
        if arg in ("-X", "--request"):
            method = next(args)
        elif arg in ("-H", "--header"):
            name, _, val = next(args).partition(":")
            headers[name.strip()] = val.strip()
        elif arg in ("-d", "--data", "--data-raw"):
            data = next(args)
        elif arg.startswith("-"):
            assert set(arg[1:]) <= {"s", "S", "f"}, f"unsupported curl option {arg}"
        else:
            url = arg
    method = method or ("POST" if data is not None else "GET")
    response = client.request(method, url, headers=headers, content=data)
    assert response.is_success, f"{method} {url} -> {response.status_code} {response.text}"
    if response.headers.get("content-type", "").startswith("application/json"):
        return response.json()
    return response.text


@pytest.fixture
def env(db: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    monkeypatch.setenv("SIKLUS_DATABASE_URL", db)
    get_settings.cache_clear()
    yield {}
    get_settings.cache_clear()


def test_walkthrough_runs_end_to_end(
    client: TestClient, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    ran: list[str] = []
    for command in commands(DOC.read_text()):
        if m := CAPTURE.match(command):
            env[m.group(1)] = jq(curl(client, shlex.split(expand(m.group(2), env))), m.group(3))
        elif command.startswith("curl "):
            curl(client, shlex.split(expand(command, env)))
        elif command.startswith(".venv/bin/siklus "):
            for name, val in env.items():
                if name.startswith("SIKLUS_"):
                    monkeypatch.setenv(name, val)
            get_settings.cache_clear()
            result = runner.invoke(cli, shlex.split(expand(command, env))[1:])
            assert result.exit_code == 0, f"{command}: {result.output}"
        elif m := ASSIGN.match(command):
            env[m.group(1)] = shlex.split(expand(m.group(2), env))[0]
        else:
            raise AssertionError(f"{DOC.name}: cannot run {command!r}")
        ran.append(command.split()[0])
    # The walkthrough really goes the whole way: it ends in socialization with the report published.
    policy = client.get(f"/api/v1/policies/{env['SLUG']}").json()
    assert policy["stage"] == "socialization"
    consultation = client.get(f"/api/v1/policies/{env['SLUG']}/consultation").json()
    assert consultation["window"]["report_published_at"] and consultation["statistics"]["unanswered"] == 0
    assert ran.count("curl") >= 20
