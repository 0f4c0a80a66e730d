"""What a thread shows beside its comments: offline sources, on-behalf counts, "not me" reviews."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from policies.accounts.access import Actor
from policies.consultation.queries.voices import behalf_of, origins_of, reviews_of
from policies.consultation.read_model import can_see_hidden
from policies.consultation.voice_models import CommentBehalf, CommentDisavowal, CommentOrigin
from policies.lifecycle.models import Policy


@dataclass(frozen=True)
class Voices:
    """The extra facts of a page's comments, by comment id, and whether the viewer is staff."""

    origins: dict[int, CommentOrigin]
    behalf: dict[int, CommentBehalf]
    reviews: dict[int, list[CommentDisavowal]]
    staff: bool

    def may_open_scan(self, comment_id: int, *, hidden: bool) -> bool:
        """Tell whether the viewer may open the comment's scan (staff; others a public one, visible)."""
        origin = self.origins.get(comment_id)
        return (
            origin is not None
            and bool(origin.scan_file)
            and (self.staff or (origin.scan_public and not hidden))
        )


def voices_of(
    session: Session, *, comment_ids: Sequence[int], viewer: Actor | None, policy: Policy
) -> Voices:
    """Read the extra facts of these comments in three queries."""
    return Voices(
        origins=origins_of(session, comment_ids=comment_ids),
        behalf=behalf_of(session, comment_ids=comment_ids),
        reviews=reviews_of(session, comment_ids=comment_ids),
        staff=can_see_hidden(viewer, policy=policy),
    )
