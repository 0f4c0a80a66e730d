"""Record and track follow-up plans: one per weak unsur (mutu C or D) or indicator below its target.

A plan (*rencana tindak lanjut*, PermenPANRB 14/2017) names an action, the unit that owns it and a
due date; it moves planned → in progress → done, and once done it says what was done and when. Only
a closed round has results to follow up, and only its weak subjects take a plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from policies.accounts.access import Actor
from policies.core.db import utcnow
from policies.core.errors import Conflict, InvalidInput, NotFound
from policies.core.fields import TextField
from policies.core.i18n import JAKARTA, format_date
from policies.evaluation import queries as evaluation
from policies.evaluation.common import get_round, policy_of, require_evaluation_role, require_evaluator
from policies.evaluation.followup import notes, queries
from policies.evaluation.followup.models import FollowUpItem, FollowUpStatus
from policies.evaluation.indicators import meets_target
from policies.evaluation.models import Indicator, SurveyRound
from policies.evaluation.results import stored_results
from policies.outbox.notify import cancel_keyed

WEAK_CATEGORIES = ("C", "D")
ACTION_FIELD = TextField(
    "action",
    "Rencana tindak lanjut",
    "The follow-up action",
    4_000,
    blank=("Tulis rencana tindak lanjutnya.", "Write the follow-up action."),
)
OWNER_FIELD = TextField(
    "owner_unit",
    "Unit penanggung jawab",
    "The owner unit",
    200,
    single_line=True,
    blank=("Isi unit penanggung jawab.", "Fill in the owner unit."),
)
DONE_FIELD = TextField("done_note", "Yang telah dilakukan", "What was done", 4_000)
# Planned may go straight to done (a small fix), but nothing leaves done: it is the record.
NEXT = {
    FollowUpStatus.PLANNED: {FollowUpStatus.PLANNED, FollowUpStatus.IN_PROGRESS, FollowUpStatus.DONE},
    FollowUpStatus.IN_PROGRESS: {FollowUpStatus.IN_PROGRESS, FollowUpStatus.DONE},
    FollowUpStatus.DONE: {FollowUpStatus.DONE},
}


@dataclass(frozen=True)
class WeakSubject:
    """An unsur in mutu C or D, or an indicator below its target, as a closed round found it."""

    subject: str
    code: str
    label: str
    label_en: str
    baseline: str
    category: str


def today_in_jakarta(now: datetime | None = None) -> date:
    """Return the calendar day in Asia/Jakarta (due dates are local days)."""
    return (now or utcnow()).astimezone(JAKARTA).date()


def weak_subjects(session: Session, *, survey: SurveyRound) -> list[WeakSubject]:
    """Return a closed round's unsur in mutu C or D and its indicators below target (none while open)."""
    if survey.closed_at is None:
        return []
    weak: list[WeakSubject] = []
    results = stored_results(session, survey=survey)
    for u in results.ikm.unsur if results.ikm is not None else []:
        if u.category in WEAK_CATEGORIES:
            weak.append(WeakSubject("unsur", u.code, u.name, u.name_en, u.nrr, u.category))
    for m in evaluation.measurements_of_round(session, round_id=survey.id):  # type: ignore[arg-type]
        indicator = session.get(Indicator, m.indicator_id)
        if indicator is not None and not meets_target(indicator, value=m.value):
            weak.append(
                WeakSubject("indicator", indicator.code, indicator.name, indicator.name_en, repr(m.value), "")
            )
    return weak


def get_item(session: Session, *, item_id: int) -> FollowUpItem:
    """Return a follow-up item or raise NotFound."""
    item = session.get(FollowUpItem, item_id)
    if item is None:
        raise NotFound(
            f"Rencana tindak lanjut {item_id} tidak ditemukan.", en=f"Follow-up item {item_id} was not found."
        )
    return item


MAX_DUE_YEARS = 3


def _require_future(due_on: date, *, today: date) -> None:
    if due_on < today:
        raise InvalidInput(
            f"Tenggat {format_date(due_on)} sudah lewat; pilih hari ini atau tanggal sesudahnya.",
            en=f"The due date {format_date(due_on, locale='en')} has passed; choose today or a later date.",
            field="due_on",
        )
    # A plan is carried out and reported by the next surveys (yearly, PermenPANRB 14/2017): a due
    # date years away (a typo, 9999) would only sit in the published report as a plan never due.
    latest = today.replace(year=today.year + MAX_DUE_YEARS, day=min(today.day, 28))
    if due_on > latest:
        raise InvalidInput(
            f"Tenggat {format_date(due_on)} terlalu jauh: rencana tindak lanjut dilaksanakan sebelum "
            f"survei berikutnya; pilih tanggal paling lambat {format_date(latest)}.",
            en=f"The due date {format_date(due_on, locale='en')} is too far off: a follow-up plan is "
            f"carried out before the next surveys; choose {format_date(latest, locale='en')} at the latest.",
            field="due_on",
        )


def create_item(
    session: Session,
    *,
    actor: Actor,
    round_id: int,
    subject: str,
    code: str,
    action: str,
    owner_unit: str,
    due_on: date,
    now: datetime | None = None,
) -> FollowUpItem:
    """Record a follow-up plan for one of a closed round's weak unsur or indicators."""
    now = now or utcnow()
    survey = get_round(session, round_id=round_id)
    policy = policy_of(session, survey=survey)
    actor = require_evaluator(actor, policy=policy)
    if survey.closed_at is None:
        raise Conflict(
            f"Putaran survei {survey.number} belum ditutup: rencana tindak lanjut dibuat atas hasilnya.",
            en=f"Survey round {survey.number} has not closed: follow-up plans answer its results.",
        )
    weak = next(
        (w for w in weak_subjects(session, survey=survey) if (w.subject, w.code) == (subject, code)), None
    )
    if weak is None:
        raise InvalidInput(
            f"{code} pada putaran {survey.number} bukan unsur bermutu C atau D, bukan pula indikator di "
            "bawah target: rencana tindak lanjut hanya untuk yang lemah.",
            en=f"{code} in round {survey.number} is neither an unsur in mutu C or D nor an indicator below "
            "its target: follow-up plans are for the weak ones only.",
            field="code",
        )
    action, owner_unit = ACTION_FIELD.clean(action), OWNER_FIELD.clean(owner_unit)
    _require_future(due_on, today=today_in_jakarta(now))
    same = [
        i
        for i in queries.items_of_round(session, round_id=round_id)
        if (i.subject, i.code) == (subject, code)
    ]
    if any(i.action.casefold() == action.casefold() for i in same):
        # A form sent twice (a double click, a reload) would otherwise plan the same action twice.
        raise Conflict(
            f"Rencana ini sudah dicatat untuk {code.upper()} pada putaran {survey.number}.",
            en=f"This action is already recorded for {code.upper()} in round {survey.number}.",
            field="action",
        )
    item = FollowUpItem(
        policy_id=policy.id,  # type: ignore[arg-type]
        round_id=round_id,
        subject=weak.subject,
        code=weak.code,
        label=weak.label,
        label_en=weak.label_en,
        baseline=weak.baseline,
        category=weak.category,
        action=action,
        owner_unit=owner_unit,
        due_on=due_on,
        created_by_id=actor.id,
        created_at=now,
    )
    session.add(item)
    session.flush()
    notes.sync_notes(session, policy=policy)
    return item


def update_item(
    session: Session, *, actor: Actor, item_id: int, changes: dict[str, Any], now: datetime | None = None
) -> FollowUpItem:
    """Change a plan's action, owner, due date or status; done needs what was done (and stays done)."""
    now = now or utcnow()
    require_evaluation_role(actor)
    item = get_item(session, item_id=item_id)
    survey = get_round(session, round_id=item.round_id)
    policy = policy_of(session, survey=survey)
    require_evaluator(actor, policy=policy)
    today = today_in_jakarta(now)
    was = FollowUpStatus(item.status)
    status = FollowUpStatus(changes.get("status") or item.status)
    if status not in NEXT[was]:
        raise Conflict(
            "Rencana tindak lanjut yang sudah selesai tidak dapat diubah lagi: itulah catatannya.",
            en="A follow-up item that is done can no longer change: it is the record.",
            field="status",
        )
    if was is FollowUpStatus.DONE and set(changes) - {"status"}:
        raise Conflict(
            "Rencana tindak lanjut yang sudah selesai tidak dapat diubah lagi: itulah catatannya.",
            en="A follow-up item that is done can no longer change: it is the record.",
        )
    if changes.get("action") is not None:
        item.action = ACTION_FIELD.clean(changes["action"])
    if changes.get("owner_unit") is not None:
        item.owner_unit = OWNER_FIELD.clean(changes["owner_unit"])
    if changes.get("due_on") is not None and changes["due_on"] != item.due_on:
        _require_future(changes["due_on"], today=today)
        item.due_on = changes["due_on"]
        # Reminders said the old date: the sweep queues new ones for the new date.
        cancel_keyed(session, key_prefix=f"followup:{item.id}:")
    if status is FollowUpStatus.DONE and was is not FollowUpStatus.DONE:
        _mark_done(
            item, note=str(changes.get("done_note") or ""), done_on=changes.get("done_on"), today=today
        )
        cancel_keyed(session, key_prefix=f"followup:{item.id}:")
    item.status = status.value
    item.updated_at = now
    session.add(item)
    session.flush()
    notes.sync_notes(session, policy=policy)
    return item


def _mark_done(item: FollowUpItem, *, note: str, done_on: date | None, today: date) -> None:
    note = DONE_FIELD.clean(note)
    if not note:
        raise InvalidInput(
            "Tulis apa yang telah dilakukan sebelum menandai rencana ini selesai.",
            en="Say what was done before marking this item done.",
            field="done_note",
        )
    done_on = done_on or today
    if done_on > today:
        raise InvalidInput(
            "Tanggal selesai tidak boleh di masa depan.",
            en="The date done cannot be in the future.",
            field="done_on",
        )
    item.done_note, item.done_on = note, done_on


def items_of_round(session: Session, *, round_id: int) -> list[FollowUpItem]:
    """Return a round's follow-up items (anyone may read them once the round has closed)."""
    survey = get_round(session, round_id=round_id)
    if survey.closed_at is None:
        return []
    return queries.items_of_round(session, round_id=round_id)
