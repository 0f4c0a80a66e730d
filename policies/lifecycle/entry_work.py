"""The automated entry work of each stage, one idempotent action per flow task (twice changes nothing)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from policies.accounts import audience
from policies.accounts.access import SYSTEM
from policies.consultation.models import ConsultationWindow
from policies.consultation.queries import current_window
from policies.core.errors import Conflict
from policies.drafting.models import DraftVersion
from policies.drafting.queries import clauses_of, latest_version, latest_version_of_cycle, revision_notes
from policies.drafting.versions import create_version, publish_version
from policies.evaluation import recommend, rounds
from policies.evaluation.queries import indicators_in_order_added, latest_round_of_cycle
from policies.lifecycle import KindRules, documents
from policies.lifecycle.models import Policy, StageEvent
from policies.lifecycle.queries import get_kind, get_policy
from policies.outbox.models import Channel
from policies.outbox.notify import Recipient, cancel_pending, notify, policy_context
from policies.rollout.models import Adoption
from policies.rollout.queries import acknowledged_account_ids, latest_acknowledgements, latest_adoption
from policies.rollout.resocialization import request_reacknowledgements
from policies.workshops.queries import workshops_of_cycle

CLOSING_REMINDER_LEAD = timedelta(days=2)
NO_WINDOW = "Kebijakan ini belum memiliki jendela konsultasi."
NO_WINDOW_EN = "This policy has no consultation window yet."


def _news(session: Session, *, policy: Policy, recipients: list[Recipient]) -> list[Recipient]:
    """Keep, of a stage's news audience, those whose notice preference does not ask for a digest or
    nothing (the digest records the stage for them); duty notices never come through here."""
    # Imported here: the digest reads comments, whose concept reads the lifecycle.
    from policies.digest.events import news_audience

    return news_audience(session, policy=policy, recipients=recipients)


def _catalogue_draft(session: Session, *, policy: Policy) -> str:
    # Imported here: the catalogue loader creates policies through the lifecycle actions, which read
    # the stage specification, which names this module's steps.
    from policies.catalog.loader import read_specs

    code = get_kind(session, kind_id=policy.kind_id).code
    for spec, _ in read_specs():
        if spec.code == code:
            return spec.example.draft
    raise Conflict(
        f"Katalog tidak memuat templat draf untuk jenis '{code}'.",
        en=f"The catalogue has no draft template for the kind '{code}'.",
    )


def _window(session: Session, *, policy: Policy) -> ConsultationWindow:
    window = current_window(session, policy=policy)
    if window is None:
        raise Conflict(NO_WINDOW, en=NO_WINDOW_EN)
    return window


def _document(session: Session, *, policy: Policy, kind: str, title: str, **values: object) -> str:
    """Render the document `kind` and store it; say (in Indonesian) whether its text changed."""
    body = documents.render(kind, policy=policy, **values)
    _, changed = documents.store(session, policy=policy, kind=kind, title=title, body=body)
    return "dirender" if changed else "tidak berubah"


def ensure_working_version(session: Session, *, slug: str) -> str:
    """Give the cycle a working draft: the previous cycle's adopted text, else the catalogue template."""
    policy = get_policy(session, slug=slug)
    existing = latest_version_of_cycle(session, policy=policy)
    if existing is not None:
        return f"Draf kerja siklus {policy.cycle} sudah ada (versi {existing.number})."
    adoption = latest_adoption(session, policy_id=policy.id, before_cycle=policy.cycle)  # type: ignore[arg-type]
    if adoption is not None:
        base = session.get(DraftVersion, adoption.version_id)
        assert base is not None  # a foreign key guarantees it
        body, note = base.body, f"Draf kerja dari teks yang ditetapkan pada siklus {adoption.cycle}."
    else:
        body, note = _catalogue_draft(session, policy=policy), "Draf kerja dari templat katalog."
    version = create_version(session, actor=SYSTEM, slug=slug, body=body, change_note=note)
    return f"Draf kerja versi {version.number} dibuat. {note}"


def invite_workshop_participants(session: Session, *, slug: str, now: datetime) -> str:
    """Invite ASN and unions to the cycle's workshops."""
    policy = get_policy(session, slug=slug)
    people = audience.workshop_participants(session, policy=policy)
    new = notify(
        session,
        key=f"workshop-invite:{policy.id}:{policy.cycle}",
        template="workshop_invitation",
        recipients=people,
        due_at=now,
        policy=policy,
        context=policy_context(policy),
        channels=(Channel.EMAIL, Channel.INBOX),
    )
    return f"Undangan lokakarya: {new} pengingat baru untuk {len(people)} peserta."


def render_agenda(session: Session, *, slug: str) -> str:
    """Render the workshop agenda from the working draft and the scheduled workshops."""
    policy = get_policy(session, slug=slug)
    version = latest_version(session, policy_id=policy.id)  # type: ignore[arg-type]
    workshops = workshops_of_cycle(session, policy=policy)
    clauses = clauses_of(session, version_id=version.id) if version else []  # type: ignore[arg-type]
    title = f"Agenda lokakarya — {policy.title}"
    done = _document(
        session,
        policy=policy,
        kind="agenda",
        title=title,
        version=version,
        workshops=workshops,
        clauses=clauses,
    )
    return f"Agenda lokakarya {done} ({len(workshops)} jadwal)."


def freeze_consultation_version(session: Session, *, slug: str, now: datetime) -> str:
    """Publish (freeze) the version the consultation window is about."""
    window = _window(session, policy=get_policy(session, slug=slug))
    version = session.get(DraftVersion, window.version_id)
    assert version is not None  # a foreign key guarantees it
    publish_version(session, actor=SYSTEM, slug=slug, number=version.number, now=now)
    return f"Versi {version.number} dibekukan untuk konsultasi."


def render_consultation_document(session: Session, *, slug: str) -> str:
    """Render the text put to public consultation, clause by clause."""
    policy = get_policy(session, slug=slug)
    window = _window(session, policy=policy)
    done = _document(
        session,
        policy=policy,
        kind="consultation",
        title=f"Konsultasi publik — {policy.title}",
        version=session.get(DraftVersion, window.version_id),
        window=window,
        clauses=clauses_of(session, version_id=window.version_id),
    )
    return f"Dokumen konsultasi {done}."


def notify_consultation_open(session: Session, *, slug: str, now: datetime) -> str:
    """Tell every stakeholder the consultation is open, and until when."""
    policy = get_policy(session, slug=slug)
    window = _window(session, policy=policy)
    people = _news(session, policy=policy, recipients=audience.stakeholders(session, policy=policy))
    new = notify(
        session,
        key=f"consultation-open:{window.id}",
        template="consultation_opened",
        recipients=people,
        due_at=max(now, window.opens_at),
        policy=policy,
        context=policy_context(policy, closes_at=window.closes_at),
    )
    return f"Pemberitahuan konsultasi: {new} pengingat baru untuk {len(people)} pemangku kepentingan."


def schedule_closing_reminder(session: Session, *, slug: str, now: datetime) -> str:
    """Remind stakeholders two days before the window closes."""
    policy = get_policy(session, slug=slug)
    window = _window(session, policy=policy)
    due = max(now, window.closes_at - CLOSING_REMINDER_LEAD)
    new = notify(
        session,
        key=f"consultation-closing:{window.id}",
        template="consultation_closing",
        recipients=audience.stakeholders(session, policy=policy),
        due_at=due,
        policy=policy,
        context=policy_context(policy, closes_at=window.closes_at),
    )
    return f"Pengingat penutupan dijadwalkan ({new} baru)."


def _adoption(session: Session, *, policy: Policy) -> Adoption:
    adoption = latest_adoption(session, policy_id=policy.id)  # type: ignore[arg-type]
    if adoption is None:
        raise Conflict("Kebijakan ini belum ditetapkan.", en="This policy has not been adopted yet.")
    return adoption


def render_adopted_text(session: Session, *, slug: str) -> str:
    """Render the adopted text with its instrument, number and date."""
    policy = get_policy(session, slug=slug)
    adoption = _adoption(session, policy=policy)
    done = _document(
        session,
        policy=policy,
        kind="adopted",
        title=f"{adoption.instrument_type} Nomor {adoption.number}",
        adoption=adoption,
        clauses=clauses_of(session, version_id=adoption.version_id),
    )
    return f"Teks yang ditetapkan {done}."


def render_socialization_kit(session: Session, *, slug: str) -> str:
    """Render the kit units use to socialize the adopted policy."""
    policy = get_policy(session, slug=slug)
    adoption = _adoption(session, policy=policy)
    indicators = indicators_in_order_added(session, policy_id=policy.id)  # type: ignore[arg-type]
    done = _document(
        session,
        policy=policy,
        kind="socialization-kit",
        title=f"Bahan sosialisasi — {policy.title}",
        adoption=adoption,
        clauses=clauses_of(session, version_id=adoption.version_id),
        rules=KindRules.from_mapping(get_kind(session, kind_id=policy.kind_id).rules),
        indicators=indicators,
    )
    return f"Bahan sosialisasi {done}."


def notify_affected_units(session: Session, *, slug: str, now: datetime) -> str:
    """Tell the civil servants the policy applies to that it was adopted."""
    policy = get_policy(session, slug=slug)
    adoption = _adoption(session, policy=policy)
    people = _news(session, policy=policy, recipients=audience.affected_asn(session, policy=policy))
    new = notify(
        session,
        key=f"adopted:{adoption.id}",
        template="policy_adopted",
        recipients=people,
        due_at=now,
        policy=policy,
        context=policy_context(
            policy,
            instrument=adoption.instrument_type,
            number=adoption.number,
            adopted_on=adoption.adopted_on.isoformat(),
        ),
    )
    return f"Pemberitahuan penetapan: {new} pengingat baru untuk {len(people)} ASN."


def request_acknowledgements(session: Session, *, slug: str, now: datetime) -> str:
    """Ask every affected civil servant who has not yet done so to confirm reading the text."""
    policy = get_policy(session, slug=slug)
    adoption = _adoption(session, policy=policy)
    done = acknowledged_account_ids(session, version_id=adoption.version_id)
    # Who read an earlier version is asked again only where a change applies to their unit (below).
    earlier = set(latest_acknowledgements(session, policy_id=policy.id))  # type: ignore[arg-type]
    people = [p for p in audience.affected_asn(session, policy=policy) if p.account_id not in done | earlier]
    new = notify(
        session,
        key=f"ack-request:{adoption.version_id}",
        template="acknowledgement_request",
        recipients=people,
        due_at=now,
        policy=policy,
        context=policy_context(policy),
        channels=(Channel.INBOX,),
    )
    again = request_reacknowledgements(session, slug=slug, now=now)
    return f"Permintaan konfirmasi baca: {new} baru; konfirmasi ulang atas perubahan: {again} baru."


def cancel_policy_reminders(session: Session, *, slug: str) -> str:
    """Cancel every reminder of a withdrawn policy that has not gone out."""
    policy = get_policy(session, slug=slug)
    # The withdrawal notice itself must still go out, even when this step runs again after it.
    cancelled = cancel_pending(session, policy_id=policy.id, keep_templates=("policy_withdrawn",))  # type: ignore[arg-type]
    return f"{cancelled} pengingat dibatalkan."


def notify_withdrawal(session: Session, *, slug: str, event_id: int, now: datetime) -> str:
    """Tell everyone who heard about the policy that it is withdrawn, and why."""
    policy = get_policy(session, slug=slug)
    event = session.get(StageEvent, event_id)
    reason = event.reason if event is not None else ""
    people = _news(session, policy=policy, recipients=audience.everyone_notified(session, policy=policy))
    new = notify(
        session,
        key=f"withdrawn:{policy.id}",
        template="policy_withdrawn",
        recipients=people,
        due_at=now,
        policy=policy,
        context=policy_context(policy, reason=reason),
    )
    return f"Pemberitahuan pencabutan: {new} pengingat baru."


def notify_drafters(
    session: Session, *, slug: str, key: str, template: str, now: datetime, **context: object
) -> int:
    """Tell the policy's drafters by email and in their inbox."""
    policy = get_policy(session, slug=slug)
    return notify(
        session,
        key=key,
        template=template,
        recipients=audience.drafters(session, policy=policy),
        due_at=now,
        policy=policy,
        context=policy_context(policy, **context),
        channels=(Channel.EMAIL, Channel.INBOX),
    )


def open_evaluation_round(session: Session, *, slug: str, now: datetime) -> str:
    """Open the cycle's first survey round, unless the cycle already has one."""
    policy = get_policy(session, slug=slug)
    existing = latest_round_of_cycle(session, policy=policy)
    if existing is not None:
        return f"Putaran survei {existing.number} siklus ini sudah ada."
    # The round runs the default length (rounds.default_closing).
    survey = rounds.open_round(session, actor=SYSTEM, slug=slug, opens_at=now, now=now)
    return f"Putaran survei {survey.number} dibuka sampai {survey.closes_at:%Y-%m-%d}."


def invite_respondents(session: Session, *, slug: str, now: datetime) -> str:
    """Queue the invitations and reminders owed to respondents of this policy's open rounds."""
    policy = get_policy(session, slug=slug)
    new = rounds.queue_respondent_reminders(session, now=now, policy_id=policy.id)
    return f"Undangan dan pengingat responden: {new} baru."


def notify_evaluation_opened(session: Session, *, slug: str, now: datetime) -> str:
    """Tell the drafters that evaluation has started and until when the round runs."""
    policy = get_policy(session, slug=slug)
    survey = latest_round_of_cycle(session, policy=policy)
    if survey is None:
        raise Conflict("Belum ada putaran survei pada siklus ini.", en="This cycle has no survey round yet.")
    new = notify_drafters(
        session,
        slug=slug,
        key=f"evaluation-opened:{survey.id}",
        template="evaluation_opened",
        now=now,
        round_number=survey.number,
        closes_at=survey.closes_at,
    )
    return f"Pemberitahuan evaluasi: {new} pengingat baru."


def attach_recommendation_notes(session: Session, *, slug: str) -> str:
    """Attach each reason of the last evaluation's revision recommendation as a revision note."""
    added = recommend.attach_recommendations(session, slug=slug)
    return f"Catatan revisi dari rekomendasi evaluasi: {added} baru."


def notify_revision_started(session: Session, *, slug: str, now: datetime) -> str:
    """Tell the drafters the new cycle's draft is ready, with how many notes it carries."""
    policy = get_policy(session, slug=slug)
    version = latest_version_of_cycle(session, policy=policy)
    notes = revision_notes(session, policy_id=policy.id, cycle=policy.cycle)  # type: ignore[arg-type]
    new = notify_drafters(
        session,
        slug=slug,
        key=f"revision-started:{policy.id}:{policy.cycle}",
        template="revision_started",
        now=now,
        version=version.number if version else "—",
        notes=len(notes),
    )
    return f"Pemberitahuan revisi: {new} pengingat baru."
