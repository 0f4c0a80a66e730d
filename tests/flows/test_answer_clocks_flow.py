"""The run-due flow drives the answer clocks: receipts and escalations reach a real SMTP server, once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select

from flows.sweeps import run_due
from policies.accounts.actions import actor_of
from policies.consultation import clocks, comments
from policies.consultation.models import ConsultationWindow
from policies.core.db import unit_of_work
from policies.core.settings import Settings, get_settings
from policies.drafting.queries import clauses_of, latest_version
from policies.lifecycle.models import PolicyKind, Stage
from policies.lifecycle.queries import get_policy
from tests import lifecycle_walk as walk
from tests.flows.conftest import run_async
from tests.flows.test_delivery import Inbox, _free_port

pytestmark = [pytest.mark.flows, pytest.mark.usefixtures("prefect_harness")]


@pytest.fixture
def mail(flow_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    """A real SMTP server the flow's own settings deliver to."""
    handler, port = Inbox(), _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("SIKLUS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SIKLUS_SMTP_PORT", str(port))
    monkeypatch.setenv("SIKLUS_SMTP_TLS", "false")
    get_settings.cache_clear()
    yield handler
    controller.stop()
    get_settings.cache_clear()


def _subjects(inbox: Inbox, to: str) -> list[str]:
    return [str(m["Subject"]) for m in inbox.messages if m["To"] == to]


def test_receipts_then_the_escalation_go_out_through_the_flow(db: str, catalog: None, mail: Inbox) -> None:
    people = walk.add_people(db)
    actor, c = walk.drafter(people), walk.clock()
    walk.advance(db, Stage.WORKSHOP, actor=actor, now=c.start)
    walk.prepare_consultation(db, actor=actor, c=c)
    walk.advance(db, Stage.CONSULTATION, actor=actor, now=c.start)
    with unit_of_work(db) as s:
        policy = get_policy(s, slug=walk.SLUG)
        key = clauses_of(s, version_id=latest_version(s, policy_id=policy.id, published=True).id)[0].key  # type: ignore[arg-type]
        number = comments.create_comment(
            s,
            actor=actor_of(people["public"]),
            slug=walk.SLUG,
            clause_key=key,
            body="Rinci JP.",
            now=c.comment_at,
        ).tracking_number

    first = run_async(run_due(now=c.comment_at + timedelta(minutes=1), return_state=True))
    assert first.is_completed()
    (receipt,) = [s for s in _subjects(mail, "warga@example.id") if "Tanda terima" in s]
    assert receipt.startswith(f"[Siklus] Tanda terima {number}: ")
    (mailed,) = [m for m in mail.messages if m["Subject"] == receipt]
    assert f"/track/{number}" in mailed.get_body(preferencelist=("plain",)).get_content()

    with unit_of_work(db) as s:
        window = s.exec(select(ConsultationWindow)).one()
        kind = s.get(PolicyKind, get_policy(s, slug=walk.SLUG).kind_id)
        due = clocks.due_on(s, window=window, rules=kind.rules)  # type: ignore[union-attr]
    after = clocks.noon_of(due + timedelta(days=1))
    for _ in range(2):  # a second pass sends nothing again
        state = run_async(run_due(now=after, return_state=True))
        assert state.is_completed()
    overdue = [s for s in _subjects(mail, "kepala@bkpsdm.example.id") if "tenggat jawaban terlewati" in s]
    assert len(overdue) == 1
    assert (
        len([s for s in _subjects(mail, "rina@bkpsdm.example.id") if "tenggat jawaban terlewati" in s]) == 1
    )
