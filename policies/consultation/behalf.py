"""A comment an organisation sends on behalf of its signatories: one voice, its weight shown honestly.

The organisation's account sends one comment with the list of those who signed it (a CSV file or
one name a line). The register and the report show the count; the names stay with the moderators
and admins, who check a list that looks padded. Duplicate lines count once.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

from sqlmodel import Session

from policies.accounts.access import (
    CONSULTATION_PART,
    Actor,
    require_role,
    require_stakeholder,
    require_verified,
)
from policies.accounts.models import Role
from policies.consultation.anchors import AnchorRequest
from policies.consultation.comments import COMMENTING, CommentRules, create_comment
from policies.consultation.models import Comment, Stance
from policies.consultation.queries.voices import behalf_of
from policies.consultation.register import comment_of
from policies.consultation.voice_models import CommentBehalf
from policies.core.errors import InvalidInput, NotFound
from policies.core.fields import TextField
from policies.lifecycle.queries import get_policy

MAX_SIGNATORIES = 20_000
ORGANISATION = TextField(
    "organisation",
    "Nama organisasi",
    "The organisation's name",
    200,
    single_line=True,
    blank=("Sebutkan nama organisasi pengirim.", "Name the sending organisation."),
)
SIGNATORIES = TextField(
    "signatories", "Daftar penanda tangan", "The list of signatories", 1_000_000, strip=False
)
HEADERS = {"nama", "name", "nama lengkap", "full name"}


def parse_signatories(text: str) -> list[str]:
    """Return the distinct signatories of a CSV or of one name a line, in order (a header row skipped)."""
    rows = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    seen: dict[str, str] = {}
    for i, row in enumerate(rows):
        cells = [c.strip() for c in row if c.strip()]
        if not cells or (i == 0 and cells[0].lower() in HEADERS):
            continue
        line = ", ".join(cells)
        seen.setdefault(" ".join(line.lower().split()), line)
    return list(seen.values())


def comment_on_behalf(
    session: Session,
    *,
    actor: Actor | None,
    slug: str,
    clause_key: str,
    body: str,
    organisation: str,
    signatories: str,
    stance: Stance = Stance.NEUTRAL,
    anchor: AnchorRequest | None = None,
    now: datetime | None = None,
    rules: CommentRules = CommentRules(),
) -> tuple[Comment, CommentBehalf]:
    """Send one comment on behalf of the listed signatories (a stakeholder, while the window is open)."""
    # The role first: a moderator is told what a moderator does, not that a field is blank.
    require_verified(require_stakeholder(actor, doing=COMMENTING, instead=CONSULTATION_PART))
    name = ORGANISATION.clean(organisation)
    names = parse_signatories(SIGNATORIES.clean(signatories))
    if not names:
        raise InvalidInput(
            "Lampirkan daftar penanda tangan (berkas CSV atau satu nama per baris).",
            en="Attach the list of signatories (a CSV file or one name a line).",
            field="signatories",
        )
    if len(names) > MAX_SIGNATORIES:
        raise InvalidInput(
            f"Daftar penanda tangan terlalu panjang: maksimal {MAX_SIGNATORIES:,} nama.".replace(",", "."),
            en=f"The list of signatories is too long: at most {MAX_SIGNATORIES:,} names.",
            field="signatories",
        )
    comment = create_comment(
        session,
        actor=actor,
        slug=slug,
        clause_key=clause_key,
        body=body,
        stance=stance,
        anchor=anchor,
        now=now,
        rules=rules,
    )
    row = CommentBehalf(
        comment_id=comment.id,  # type: ignore[arg-type]
        organisation=name,
        signatory_count=len(names),
        signatories="\n".join(names),
        created_at=comment.created_at,
    )
    session.add(row)
    session.flush()
    return comment, row


def signatories_of(session: Session, *, actor: Actor | None, slug: str, comment_id: int) -> CommentBehalf:
    """Return a comment's list of signatories (moderators and admins only)."""
    require_role(actor, Role.MODERATOR)
    comment = comment_of(session, policy=get_policy(session, slug=slug), comment_id=comment_id)
    row = behalf_of(session, comment_ids=[comment.id]).get(comment.id)  # type: ignore[arg-type]
    if row is None:
        raise NotFound(
            f"Masukan {comment_id} tidak dikirim atas nama penanda tangan.",
            en=f"Comment {comment_id} was not sent on behalf of signatories.",
        )
    return row
