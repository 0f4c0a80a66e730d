"""Draft versions: write, publish (freeze), compare."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from policies.accounts.access import SYSTEM, Actor
from policies.core.db import utcnow
from policies.core.errors import Conflict, InvalidInput
from policies.core.fields import TextField
from policies.core.i18n import format_number
from policies.drafting.clauses import KeyedClause, assign_keys, parse_draft
from policies.drafting.diff import ClauseDiff, ElementChange, diff_clauses, diff_elements
from policies.drafting.elements import (
    ElementLike,
    assign_element_keys,
    drop_elements,
    elements_of,
    prior_elements,
    store_elements,
)
from policies.drafting.models import Clause, DraftVersion
from policies.drafting.queries import clauses_of, consultation_closed, get_version, latest_version
from policies.drafting.structure import Element, parse_with_heads
from policies.lifecycle.models import Policy, Stage
from policies.lifecycle.owned import StageRule, owned_policy
from policies.lifecycle.queries import get_policy

# Text may change only before the public sees it, while revising it, or once the consultation has
# closed: the revised text that takes in the accepted comments, written before adoption.
EDITABLE_STAGES = StageRule(
    frozenset({Stage.DRAFTING, Stage.WORKSHOP, Stage.REVISION}),
    "Draf tidak dapat diubah pada tahap {stage}: teks hanya dapat ditulis pada tahap penyusunan, "
    "lokakarya atau revisi, atau setelah konsultasi publik ditutup.",
    "The draft cannot change in the {stage} stage: text is written only while drafting, in workshops "
    "or in revision, or once the public consultation has closed.",
)


def _editable(session: Session, *, actor: Actor, slug: str) -> Policy:
    """Return the policy whose text the actor may write now, or refuse naming when it may be written."""
    policy = owned_policy(session, actor=actor, slug=slug)
    if policy.stage == Stage.CONSULTATION and consultation_closed(session, policy=policy, now=utcnow()):
        return policy
    EDITABLE_STAGES.check(policy)
    return policy


MAX_BODY_CHARS = 500_000
MAX_CHANGE_NOTE_CHARS = 4_000
MAX_TITLE_CHARS = 400
# The text is kept as written (no strip); NUL is refused, PostgreSQL cannot store it.
BODY_FIELD = TextField("body", "Draf", "The draft", MAX_BODY_CHARS, strip=False)
CHANGE_NOTE_FIELD = TextField("change_note", "Catatan perubahan", "The change note", MAX_CHANGE_NOTE_CHARS)
TITLE_FIELD = TextField("title", "Judul", "The title", MAX_TITLE_CHARS, single_line=True)


def create_version(
    session: Session,
    *,
    actor: Actor,
    slug: str,
    body: str,
    change_note: str = "",
    title: str | None = None,
) -> DraftVersion:
    """Add a version; clauses keep the ids of their counterparts in the previous version."""
    policy = _editable(session, actor=actor, slug=slug)
    if len(body) > MAX_BODY_CHARS:
        raise InvalidInput(
            f"Draf terlalu panjang (maksimal {format_number(MAX_BODY_CHARS)} karakter).",
            en=f"The draft is too long (at most {format_number(MAX_BODY_CHARS, locale='en')} characters).",
            field="body",
        )
    body, change_note = BODY_FIELD.clean(body), CHANGE_NOTE_FIELD.clean(change_note)
    if title is not None:
        title = TITLE_FIELD.clean(title)
    parsed = parse_draft(body)
    structure = _structure(body, actor=actor)
    previous = latest_version(session, policy_id=policy.id)  # type: ignore[arg-type]
    prev_clauses = _keyed(session, version_id=previous.id) if previous else []  # type: ignore[arg-type]
    keyed = assign_keys(clauses=parsed.clauses, previous=prev_clauses)
    prev_elements = prior_elements(session=session, version_id=previous.id) if previous else []  # type: ignore[arg-type]
    version = DraftVersion(
        policy_id=policy.id,  # type: ignore[arg-type]
        cycle=policy.cycle,
        number=(previous.number + 1) if previous else 1,
        title=(title or parsed.title or policy.title)[:400],
        body=body,
        change_note=change_note,
        based_on_id=previous.id if previous else None,
        created_by_id=actor.id,
    )
    try:
        # Version numbers are unique per policy: a version saved meanwhile took this number.
        with session.begin_nested():
            session.add(version)
    except IntegrityError:
        raise Conflict(
            f"Versi {version.number} baru saja disimpan oleh permintaan lain: muat ulang, baca "
            "versi itu, lalu tulis perubahan Anda di atasnya.",
            en=f"Version {version.number} was just saved by another request: reload, read it, "
            "then write your changes on top of it.",
        ) from None
    _store_clauses(session, version=version, keyed=keyed)
    _store_elements(session, version=version, structure=structure, keyed=keyed, previous=prev_elements)
    return version


def _structure(body: str, *, actor: Actor) -> tuple[list[Element], dict[int, str]] | None:
    """Parse the draft's elements, refusing a person's draft that breaks Lampiran II's rules.

    The system only copies a text that exists (a new cycle's working draft from the adopted one): a
    text stored before the rules were checked is copied as it is, without elements, not refused.
    """
    try:
        return parse_with_heads(body=body)
    except InvalidInput:
        if actor == SYSTEM:
            return None
        raise


def _store_elements(
    session: Session,
    *,
    version: DraftVersion,
    structure: tuple[list[Element], dict[int, str]] | None,
    keyed: list[KeyedClause],
    previous: Sequence[ElementLike],
) -> None:
    if structure is None:
        return
    elements, heads = structure
    assigned = assign_element_keys(
        elements=elements, heads=heads, clause_keys=[k.key for k in keyed], previous=previous
    )
    store_elements(session, version_id=version.id, keyed=assigned)  # type: ignore[arg-type]


def _store_clauses(session: Session, *, version: DraftVersion, keyed: list[KeyedClause]) -> None:
    session.add_all(
        Clause(
            version_id=version.id,  # type: ignore[arg-type]
            key=k.key,
            position=i,
            chapter=k.chapter[:300],
            heading=k.heading[:300],
            body=k.body,
            content_hash=k.content_hash,
        )
        for i, k in enumerate(keyed)
    )
    session.flush()


def _keyed(session: Session, *, version_id: int) -> list[KeyedClause]:
    return [
        KeyedClause(c.key, c.chapter, c.heading, c.body, c.content_hash)
        for c in clauses_of(session, version_id=version_id)
    ]


def _unpublished(session: Session, *, policy_id: int, number: int, doing: tuple[str, str]) -> DraftVersion:
    """Return a version that is not published yet, or refuse: a published text is frozen."""
    version = get_version(session, policy_id=policy_id, number=number)
    if version.published_at is not None:
        raise Conflict(
            f"Versi {number} sudah diterbitkan dan tidak dapat {doing[0]}: tulis versi baru untuk "
            "mengubah teksnya.",
            en=f"Version {number} is published and cannot be {doing[1]}: write a new version to change "
            "its text.",
        )
    return version


def edit_version(
    session: Session,
    *,
    actor: Actor,
    slug: str,
    number: int,
    body: str,
    change_note: str = "",
    title: str | None = None,
) -> DraftVersion:
    """Rewrite an unpublished version in place; its clauses keep their keys where the text carries over."""
    policy = _editable(session, actor=actor, slug=slug)
    version = _unpublished(session, policy_id=policy.id, number=number, doing=("diubah", "edited"))  # type: ignore[arg-type]
    body, change_note = BODY_FIELD.clean(body), CHANGE_NOTE_FIELD.clean(change_note)
    if title is not None:
        title = TITLE_FIELD.clean(title)
    parsed = parse_draft(body)
    structure = _structure(body, actor=actor)
    # The version's own clauses first: an edit keeps the keys it had, then its base's keys.
    own = _keyed(session, version_id=version.id)  # type: ignore[arg-type]
    keyed = assign_keys(clauses=parsed.clauses, previous=own)
    own_elements = prior_elements(session=session, version_id=version.id)  # type: ignore[arg-type]
    for clause in clauses_of(session, version_id=version.id):  # type: ignore[arg-type]
        session.delete(clause)
    session.flush()
    drop_elements(session, version_id=version.id)  # type: ignore[arg-type]
    version.body, version.change_note = body, change_note
    version.title = (title or parsed.title or policy.title)[:400]
    session.add(version)
    _store_clauses(session, version=version, keyed=keyed)
    _store_elements(session, version=version, structure=structure, keyed=keyed, previous=own_elements)
    return version


def write_draft(
    session: Session, *, actor: Actor, slug: str, body: str, change_note: str = "", title: str | None = None
) -> DraftVersion:
    """Save the drafter's text: into the newest version while it is unpublished, else as the next one.

    A new cycle starts with a working version (the adopted text); writing the revision into it keeps
    it the cycle's one draft instead of leaving an unpublished copy behind as a lower number.
    """
    policy = _editable(session, actor=actor, slug=slug)
    latest = latest_version(session, policy_id=policy.id)  # type: ignore[arg-type]
    if latest is not None and latest.published_at is None:
        return edit_version(
            session,
            actor=actor,
            slug=slug,
            number=latest.number,
            body=body,
            change_note=change_note,
            title=title,
        )
    return create_version(session, actor=actor, slug=slug, body=body, change_note=change_note, title=title)


def discard_version(session: Session, *, actor: Actor, slug: str, number: int) -> int:
    """Remove the newest version while it is unpublished; return its number."""
    policy = owned_policy(session, actor=actor, slug=slug)
    version = _unpublished(session, policy_id=policy.id, number=number, doing=("dibuang", "discarded"))  # type: ignore[arg-type]
    latest = latest_version(session, policy_id=policy.id)  # type: ignore[arg-type]
    if latest is not None and latest.number != number:
        # A later version is written on this one: removing it would leave a gap in the history.
        raise Conflict(
            f"Versi {number} tidak dapat dibuang karena versi {latest.number} ditulis sesudahnya: buang "
            f"versi {latest.number} lebih dahulu.",
            en=f"Version {number} cannot be discarded because version {latest.number} was written after "
            f"it: discard version {latest.number} first.",
        )
    for clause in clauses_of(session, version_id=version.id):  # type: ignore[arg-type]
        session.delete(clause)
    drop_elements(session, version_id=version.id)  # type: ignore[arg-type]
    session.delete(version)
    session.flush()
    return number


def publish_version(
    session: Session, *, actor: Actor, slug: str, number: int, now: datetime | None = None
) -> DraftVersion:
    """Freeze a version so it can be put to consultation; publishing twice changes nothing."""
    policy = owned_policy(session, actor=actor, slug=slug)
    version = get_version(session, policy_id=policy.id, number=number)  # type: ignore[arg-type]
    if version.published_at is None:
        version.published_at = now or utcnow()
        session.add(version)
        session.flush()
        # The comments of earlier versions are placed in this one, in the same transaction.
        from policies.consultation.anchors import reanchor_version  # consultation reads drafting

        reanchor_version(session, version=version)
        # Imported here: the digest reads comments, and consultation reads drafting.
        from policies.digest.events import announce, version_context
        from policies.digest.models import EventKind

        announce(
            session,
            policy=policy,
            kind=EventKind.VERSION,
            key=f"version:{version.id}",
            now=version.published_at,
            context=version_context(number=version.number),
        )
    return version


def diff_versions(session: Session, *, slug: str, old: int, new: int) -> list[ClauseDiff]:
    """Compare two versions clause by clause."""
    policy = get_policy(session, slug=slug)
    a = get_version(session, policy_id=policy.id, number=old)  # type: ignore[arg-type]
    b = get_version(session, policy_id=policy.id, number=new)  # type: ignore[arg-type]
    return diff_clauses(
        old=clauses_of(session, version_id=a.id),  # type: ignore[arg-type]
        new=clauses_of(session, version_id=b.id),  # type: ignore[arg-type]
    )


def diff_version_elements(session: Session, *, slug: str, old: int, new: int) -> list[ElementChange]:
    """Compare two versions element by element (ayat, huruf, angka, …) with a word redline."""
    policy = get_policy(session, slug=slug)
    a = get_version(session, policy_id=policy.id, number=old)  # type: ignore[arg-type]
    b = get_version(session, policy_id=policy.id, number=new)  # type: ignore[arg-type]
    return diff_elements(
        old=elements_of(session=session, version_id=a.id),  # type: ignore[arg-type]
        new=elements_of(session=session, version_id=b.id),  # type: ignore[arg-type]
    )
