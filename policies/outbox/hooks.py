"""What the outbox asks a concept about its own reminders: still worth sending, and what to add.

The outbox knows no concept's rules. A concept registers, for its templates, a check that says
why a queued reminder is no longer worth sending (and the same rule in SQL, so an inbox can list
only current messages), what its messages add when rendered (a personal link), and which context
keys stay inside. `policies/tables.py` registers every concept's hooks and then marks the registry
complete; until then the outbox refuses to decide, so no process delivers with a rule missing.
Every template has its hooks (tests/policies/test_outbox_imports.py holds it): a message that can
never go stale says so with `ALWAYS_CURRENT`.

Many reminders name what they are about in their outbox key (`consultation-closing:<window id>:
<channel>:<who>`); `key_id` reads that id, `key_names` is the same in SQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from policies.outbox.models import Reminder


def _nothing_to_add(reminder: Reminder, *, base_url: str, secret: str) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class TemplateHooks:
    """A concept's answers about its reminders (registered for the templates it enqueues)."""

    # Why the reminder is no longer worth sending ("" while it still is); checked when sending.
    obsolete: Callable[[Session, Reminder, datetime], str]
    # The same rule as a condition on the Reminder row (true while it is still worth showing). It
    # may only compare `now` with columns: the inbox builds it once with a bound parameter for `now`.
    current: Callable[[datetime], sa.ColumnElement[bool]]
    # What the message's template reads beyond the stored context (the base URL and the app secret
    # are what a link is rebuilt from).
    extras: Callable[..., dict[str, Any]] = _nothing_to_add
    # Context keys that never leave the server (they rebuild something personal with the secret).
    private: frozenset[str] = field(default_factory=frozenset)
    # Whether a reminder's fate tells something nobody may learn about its recipient (a survey
    # respondent's reminder is cancelled once they answer): the operator's view then shows neither
    # who it is for nor its routine states.
    anonymous: bool = False


def _never_obsolete(session: Session, reminder: Reminder, now: datetime) -> str:
    return ""


def _always(now: datetime) -> sa.ColumnElement[bool]:
    return sa.true()


# For a message that stays true whatever happens later (a policy's withdrawal, say).
ALWAYS_CURRENT = TemplateHooks(obsolete=_never_obsolete, current=_always)

_BY_TEMPLATE: dict[str, TemplateHooks] = {}
_complete = False
# Bumped by every registration: statements built from the registry are built again after one.
_generation = 0


class HooksNotRegistered(RuntimeError):
    """The outbox was asked about a reminder before every concept registered its hooks."""


def register(*, templates: Iterable[str], hooks: TemplateHooks) -> None:
    """Register a concept's hooks for its templates (registering again replaces them)."""
    global _generation
    for template in templates:
        _BY_TEMPLATE[template] = hooks
    _generation += 1


def mark_complete() -> None:
    """Record that every concept has registered (policies/tables.py does, once it has)."""
    global _complete
    _complete = True


def generation() -> int:
    """Return a number that changes whenever the registry does (a key for what is built from it)."""
    _registry()
    return _generation


def _registry() -> Mapping[str, TemplateHooks]:
    if not _complete:
        raise HooksNotRegistered(
            "The outbox's template hooks are not registered: import policies.tables before delivering."
        )
    return _BY_TEMPLATE


def checked_templates() -> list[str]:
    """Return the templates whose reminders can become obsolete."""
    return sorted(_registry())


def anonymous_templates() -> frozenset[str]:
    """Return the templates whose reminders nobody reading the outbox may tie to their recipient."""
    return frozenset(name for name, hooks in _registry().items() if hooks.anonymous)


def why_obsolete(session: Session, *, reminder: Reminder, now: datetime) -> str:
    """Say why a reminder is no longer worth sending ("" when it still is, or nobody checks it)."""
    hooks = _registry().get(reminder.template)
    return hooks.obsolete(session, reminder, now) if hooks is not None else ""


def still_current(now: datetime) -> sa.ColumnElement[bool]:
    """Hold for a reminder nobody checks, or for one its concept says is still worth showing."""
    registry = _registry()
    template = col(Reminder.template)
    by_hooks: dict[int, tuple[TemplateHooks, list[str]]] = {}
    for name, hooks in sorted(registry.items()):
        by_hooks.setdefault(id(hooks), (hooks, []))[1].append(name)
    return sa.or_(
        template.not_in(sorted(registry)),
        *(sa.and_(template.in_(names), hooks.current(now)) for hooks, names in by_hooks.values()),
    )


def extras(reminder: Reminder, *, base_url: str, secret: str) -> dict[str, Any]:
    """Return what a reminder's template reads beyond its stored context."""
    hooks = _registry().get(reminder.template)
    return hooks.extras(reminder, base_url=base_url, secret=secret) if hooks is not None else {}


def public_context(reminder: Reminder) -> dict[str, Any]:
    """Return a reminder's context without the keys its concept keeps inside."""
    hooks = _registry().get(reminder.template)
    private = hooks.private if hooks is not None else frozenset()
    return {k: v for k, v in reminder.context.items() if k not in private}


def key_id(reminder: Reminder, *, prefix: str) -> int | None:
    """Return the id a reminder's key names right after `prefix:`, or None when it names none."""
    head, _, rest = reminder.dedupe_key.partition(":")
    ident = rest.partition(":")[0]
    return int(ident) if head == prefix and ident.isdigit() else None


def key_names(*, prefix: str, ident: sa.ColumnElement[Any]) -> sa.ColumnElement[bool]:
    """Hold for a reminder whose key names `ident` right after `prefix:` (`key_id` in SQL)."""
    pattern = sa.literal(f"{prefix}:", sa.String) + sa.cast(ident, sa.String) + sa.literal(":%", sa.String)
    return col(Reminder.dedupe_key).like(pattern)
