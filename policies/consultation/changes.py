"""From comment to change: an accepted comment names the elements of a later version it changed,
or says why the text stayed as it was (UU 13/2022 Pasal 96: the right to be told why).

One change can answer many comments; a campaign group's one answer covers its members, so a link
made (or removed) for one member is made for each member the group's answer reached.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlmodel import Session

from policies.accounts.access import Actor, require_owner
from policies.consultation.comment_queries import disposition_of
from policies.consultation.models import Comment, Disposition, DispositionChange, Outcome
from policies.consultation.queries import changes as trace_queries
from policies.consultation.register import comment_of, insert_once
from policies.core.db import utcnow
from policies.core.errors import Conflict, InvalidInput
from policies.core.fields import TextField
from policies.drafting.elements import element_by_key
from policies.drafting.models import DraftVersion, TextElement
from policies.drafting.queries import get_version
from policies.lifecycle.models import Policy
from policies.lifecycle.queries import get_policy

TRACEABLE = frozenset({Outcome.ACCEPTED, Outcome.PARTLY})
MAX_ELEMENT_KEY = 40
UNCHANGED_REASON = TextField(
    "unchanged_reason",
    "Alasan teks tetap",
    "The reason the text stayed",
    20_000,
)


def _owned(session: Session, *, actor: Actor, slug: str) -> Policy:
    policy = get_policy(session, slug=slug)
    require_owner(actor, policy=policy)
    return policy


def _accepted(session: Session, *, policy: Policy, comment_id: int) -> tuple[Comment, Disposition]:
    """Return a comment and its disposition, or refuse unless it was accepted wholly or partly."""
    comment = comment_of(session, policy=policy, comment_id=comment_id)
    disposition = disposition_of(session, comment_id=comment_id)
    if comment.parent_id is not None or disposition is None or disposition.outcome not in TRACEABLE:
        raise Conflict(
            f"Masukan {comment_id} tidak diterima (seluruhnya atau sebagian): hanya masukan yang "
            "diterima ditautkan ke perubahan teks. Masukan yang tidak diterima atau dicatat sudah "
            "menjelaskan dirinya dengan alasan tindak lanjutnya.",
            en=f"Comment {comment_id} is not accepted (wholly or partly): only accepted comments are "
            "linked to a change of the text. A comment not accepted or noted is explained by its "
            "disposition's reason.",
            field="comment_id",
        )
    return comment, disposition


def _group(session: Session, *, disposition: Disposition) -> list[Disposition]:
    """Return the dispositions one answer gave: a campaign group's members, or this one alone."""
    if disposition.via_campaign_id is None:
        return [disposition]
    members = trace_queries.campaign_dispositions(session, campaign_id=disposition.via_campaign_id)
    return members or [disposition]


def _later_version(session: Session, *, policy: Policy, comment: Comment, number: int) -> DraftVersion:
    """Return a published version written after the one the comment was made on, or refuse."""
    version = get_version(session, policy_id=policy.id, number=number)  # type: ignore[arg-type]
    consulted = session.get(DraftVersion, comment.version_id)
    assert consulted is not None  # a foreign key guarantees it
    if version.number <= consulted.number:
        raise InvalidInput(
            f"Versi {number} bukan versi sesudah versi {consulted.number} yang dikomentari: perubahan "
            "yang dihasilkan masukan ada pada versi berikutnya.",
            en=f"Version {number} is not later than version {consulted.number}, the one commented on: "
            "the change a comment caused is in a later version.",
            field="version_number",
        )
    if version.published_at is None:
        raise InvalidInput(
            f"Versi {number} belum diterbitkan: terbitkan versinya dulu, agar teks yang ditautkan tidak "
            "berubah lagi.",
            en=f"Version {number} is not published: publish it first, so that the linked text no longer "
            "changes.",
            field="version_number",
        )
    return version


def _element(session: Session, *, version: DraftVersion, key: str) -> TextElement:
    """Return an element of a version by its key, or refuse naming the version."""
    element = (
        element_by_key(session=session, version_id=version.id, key=key)
        if len(key) <= MAX_ELEMENT_KEY
        else None
    )  # type: ignore[arg-type]
    if element is None:
        raise InvalidInput(
            f"Unsur '{key}' tidak ada pada versi {version.number}: pilih pasal, ayat atau huruf dari "
            "teks versi itu.",
            en=f"Element '{key}' is not in version {version.number}: pick a Pasal, ayat or huruf of "
            "that version's text.",
            field="element_key",
        )
    return element


def link_change(
    session: Session,
    *,
    actor: Actor,
    slug: str,
    comment_id: int,
    version_number: int,
    element_key: str,
    now: datetime | None = None,
) -> list[DispositionChange]:
    """Link an accepted comment (and its campaign group) to an element of a later version it changed."""
    policy = _owned(session, actor=actor, slug=slug)
    comment, disposition = _accepted(session, policy=policy, comment_id=comment_id)
    version = _later_version(session, policy=policy, comment=comment, number=version_number)
    element = _element(session, version=version, key=element_key)
    group = _group(session, disposition=disposition)
    have = {
        row.disposition_id: row
        for row in trace_queries.change_rows(
            session,
            disposition_ids=[d.id for d in group],
            version_id=version.id,
            element_key=element.key,  # type: ignore[misc, arg-type]
        )
    }
    rows: list[DispositionChange] = []
    for member in group:
        row = have.get(member.id)  # type: ignore[arg-type]
        if row is None:
            row = DispositionChange(
                disposition_id=member.id,  # type: ignore[arg-type]
                version_id=version.id,  # type: ignore[arg-type]
                element_key=element.key,
                eid=element.eid,
                created_by_id=actor.id,
                created_at=now or utcnow(),
            )
            insert_once(
                session,
                row,
                refusal=Conflict(
                    f"Masukan {member.comment_id} baru saja ditautkan ke unsur ini oleh permintaan lain.",
                    en=f"Comment {member.comment_id} was just linked to this element by another request.",
                ),
            )
        if member.unchanged_reason:
            # The text did change: the reason it stayed no longer holds.
            member.unchanged_reason = ""
            session.add(member)
        rows.append(row)
    session.flush()
    return rows


def unlink_change(
    session: Session, *, actor: Actor, slug: str, comment_id: int, version_number: int, element_key: str
) -> int:
    """Remove an accepted comment's (and its group's) link to an element; return how many went."""
    policy = _owned(session, actor=actor, slug=slug)
    _, disposition = _accepted(session, policy=policy, comment_id=comment_id)
    version = get_version(session, policy_id=policy.id, number=version_number)  # type: ignore[arg-type]
    group = _group(session, disposition=disposition)
    rows = trace_queries.change_rows(
        session,
        disposition_ids=[d.id for d in group],
        version_id=version.id,
        element_key=element_key,  # type: ignore[misc, arg-type]
    )
    for row in rows:
        session.delete(row)
    session.flush()
    return len(rows)


def set_element_links(
    session: Session,
    *,
    actor: Actor,
    slug: str,
    version_number: int,
    element_key: str,
    linked: Collection[int],
    shown: Collection[int],
    now: datetime | None = None,
) -> int:
    """Make exactly the `linked` comments among those `shown` answer one element; return how many changed."""
    policy = _owned(session, actor=actor, slug=slug)
    changed = 0
    if set(linked) - set(shown):
        raise InvalidInput(
            "Masukan yang dicentang tidak ada di antara masukan yang ditampilkan: muat ulang halamannya.",
            en="A ticked comment is not among those shown: reload the page.",
            field="comment_id",
        )
    for comment_id in sorted(set(shown)):
        _, disposition = _accepted(session, policy=policy, comment_id=comment_id)
        version = get_version(session, policy_id=policy.id, number=version_number)  # type: ignore[arg-type]
        present = trace_queries.change_rows(
            session,
            disposition_ids=[disposition.id],
            version_id=version.id,
            element_key=element_key,  # type: ignore[list-item, arg-type]
        )
        if comment_id in linked and not present:
            link_change(
                session,
                actor=actor,
                slug=slug,
                comment_id=comment_id,
                version_number=version_number,
                element_key=element_key,
                now=now,
            )
            changed += 1
        elif comment_id not in linked and present:
            unlink_change(
                session,
                actor=actor,
                slug=slug,
                comment_id=comment_id,
                version_number=version_number,
                element_key=element_key,
            )
            changed += 1
    return changed


def state_unchanged(
    session: Session, *, actor: Actor, slug: str, comment_id: int, reason: str
) -> list[Disposition]:
    """Say why an accepted comment (and its group) left the text as it was; blank withdraws the reason."""
    policy = _owned(session, actor=actor, slug=slug)
    _, disposition = _accepted(session, policy=policy, comment_id=comment_id)
    reason = UNCHANGED_REASON.clean(reason) if reason.strip() else ""
    group = _group(session, disposition=disposition)
    if reason and trace_queries.changes_of(session, disposition_ids=[d.id for d in group]):  # type: ignore[misc]
        raise Conflict(
            f"Masukan {comment_id} sudah ditautkan ke perubahan teks: lepaskan tautannya dulu bila "
            "teksnya ternyata tetap.",
            en=f"Comment {comment_id} is already linked to a change of the text: remove the links first "
            "if the text in fact stayed.",
            field="unchanged_reason",
        )
    for member in group:
        member.unchanged_reason = reason
        session.add(member)
    session.flush()
    return group
