"""Outside the flow tests' harness no Prefect server is reachable: an accidental engine call fails fast."""

from __future__ import annotations

import pytest


def test_flow_tests_are_ordered_last(request: pytest.FixtureRequest) -> None:
    is_flow_test = [item.get_closest_marker("flows") is not None for item in request.session.items]
    assert is_flow_test == sorted(is_flow_test)


def test_an_accidental_engine_call_fails_fast() -> None:
    from prefect import flow
    from prefect.settings import get_current_settings

    # Not a flow test, so it runs before the harness: no API URL from the shell, a profile or the harness.
    assert get_current_settings().api.url is None
    assert get_current_settings().server.ephemeral.enabled is False

    @flow
    def stray() -> int:
        return 1

    # Refused for want of an API URL: decided before any connection, so no server is started or waited for.
    with pytest.raises(ValueError, match="No Prefect API URL"):
        stray()
