"""The digest concept's outbox templates: a digest and an immediate notice stay true once written."""

from __future__ import annotations

from policies.digest.digests import DIGEST
from policies.digest.events import POLICY_EVENT
from policies.outbox import hooks


def register() -> None:
    """Register the digest's and the immediate notice's hooks with the outbox."""
    hooks.register(templates=(DIGEST, POLICY_EVENT), hooks=hooks.ALWAYS_CURRENT)
