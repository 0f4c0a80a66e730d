"""The comments a later version carries: read per version (its pages, the API) and per comment."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from policies.accounts.access import Actor
from policies.consultation.anchors import CarriedComment, carried_comments
from policies.consultation.models import CommentAnchor
from policies.consultation.queries import anchors as queries
from policies.consultation.register import get_comment
from policies.drafting.reading import readable_version


def version_carried(
    session: Session, *, actor: Actor | None, slug: str, number: int, clause_key: str | None = None
) -> list[CarriedComment]:
    """Return the comments of earlier versions carried onto a readable version (or one of its Pasal)."""
    _, version = readable_version(session, actor=actor, slug=slug, number=number)
    return carried_comments(session, version_id=version.id, clause_key=clause_key)  # type: ignore[arg-type]


@dataclass(frozen=True)
class AnchorInVersion:
    """A comment's anchor in one later version."""

    anchor: CommentAnchor
    version_number: int


def comment_carried(session: Session, *, slug: str, comment_id: int) -> list[AnchorInVersion]:
    """Return where a comment sits in each version published after the one it was made on."""
    comment = get_comment(session, slug=slug, comment_id=comment_id)
    rows = queries.anchors_of_comment(session, comment_id=comment.id)  # type: ignore[arg-type]
    return [AnchorInVersion(a, n) for a, n in rows]
