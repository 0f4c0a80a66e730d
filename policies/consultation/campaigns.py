"""Campaign detection: exact copies (normalized hash) and near-copies (MinHash LSH stored in the DB).

Every new top-level comment is matched against its window's earlier comments. Exact duplicates share
`Comment.text_hash`. Near-duplicates are found with MinHash over word shingles: the signature is cut
into LSH bands whose hashes live in `comment_band`, so a lookup is a few indexed equality probes
whatever the number of comments, and every worker process sees the same buckets.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import numpy as np
from datasketch import MinHash
from datasketch.lsh import _optimal_param
from sqlmodel import Session

from policies.consultation.models import Campaign, Comment
from policies.consultation.queries import (
    campaigns_with_size,
    copy_candidates,
    earliest_visible_member,
    locked_comment,
    match_campaign,
    store_fingerprint,
)
from policies.core.text import normalize

NUM_PERM = 64
SHINGLE_WORDS = 3
# Missing a copy costs a drafter a separate answer; a false candidate only costs one signature
# comparison, so the banding leans toward recall (about 88% of pairs at the threshold are found).
FALSE_POSITIVE_WEIGHT, FALSE_NEGATIVE_WEIGHT = 0.1, 0.9


@dataclass(frozen=True)
class Fingerprint:
    """The MinHash signature of a text and its LSH band hashes."""

    signature: np.ndarray
    bands: tuple[int, ...]

    def to_bytes(self) -> bytes:
        """Pack the signature for storage."""
        return self.signature.astype("<u4").tobytes()


@lru_cache(maxsize=16)
def bands_for(threshold: float) -> tuple[int, int]:
    """Return (bands, rows per band) that best separate pairs around the Jaccard threshold."""
    return _optimal_param(threshold, NUM_PERM, FALSE_POSITIVE_WEIGHT, FALSE_NEGATIVE_WEIGHT)


@lru_cache(maxsize=1)
def _template() -> MinHash:
    # Building the permutations is the costly part of a MinHash; copies share them.
    return MinHash(num_perm=NUM_PERM, seed=1)


def shingles(text: str) -> list[bytes]:
    """Return the word shingles of a text (the words themselves when it is short)."""
    words = normalize(text).split()
    if len(words) < SHINGLE_WORDS:
        return [w.encode() for w in words] or [b""]
    return [" ".join(words[i : i + SHINGLE_WORDS]).encode() for i in range(len(words) - SHINGLE_WORDS + 1)]


def _band_hash(chunk: np.ndarray, band: int) -> int:
    digest = hashlib.blake2b(chunk.astype("<u4").tobytes(), digest_size=8, key=bytes([band])).digest()
    return int.from_bytes(digest, "little", signed=True)


def fingerprint(text: str, *, threshold: float) -> Fingerprint:
    """Compute a text's MinHash signature and band hashes."""
    mh = _template().copy()
    mh.update_batch(shingles(text))
    signature = mh.hashvalues.astype(np.uint32)
    b, r = bands_for(threshold)
    bands = tuple(_band_hash(signature[i * r : (i + 1) * r], i) for i in range(b))
    return Fingerprint(signature=signature, bands=bands)


def similarity(a: np.ndarray, *, b: np.ndarray) -> float:
    """Estimate the Jaccard similarity of two signatures."""
    return float(np.count_nonzero(a == b)) / len(a)


def _join(session: Session, *, comment: Comment, match_id: int) -> int:
    """Put `comment` in the campaign of comment `match_id`, founding one if it has none; return its id."""
    campaign_id, face_id, face_hidden = match_campaign(session, match_id=match_id)
    if campaign_id is None:
        return _found(session, comment=comment, match_id=match_id)
    # No size is kept on the campaign row: every joiner updating one row queued concurrent
    # posts of a campaign behind its lock. The size is counted when campaigns are listed.
    comment.campaign_id = campaign_id
    session.add(comment)
    session.flush()
    if face_hidden is not None and face_id != comment.id:
        # Every earlier member is hidden: the newcomer is the first text fit to show.
        campaign = session.get(Campaign, campaign_id)
        assert campaign is not None
        _set_face(session, campaign=campaign, face=comment)
    return campaign_id


def _found(session: Session, *, comment: Comment, match_id: int) -> int:
    """Found a campaign around comment `match_id` (or join the one a concurrent post just founded)."""
    # Lock the match so two workers cannot found two campaigns around it at once.
    match = locked_comment(session, comment_id=match_id)
    if match.campaign_id is not None:
        # Founded meanwhile by a concurrent post (PostgreSQL waited here for its commit).
        return _join(session, comment=comment, match_id=match_id)
    # The representative is shown to everyone: never a hidden comment's text.
    face = match if match.hidden_at is None else comment
    campaign = Campaign(
        window_id=comment.window_id,  # type: ignore[arg-type]
        representative_comment_id=face.id,  # type: ignore[arg-type]
        representative_text=face.body,
    )
    session.add(campaign)
    session.flush()
    match.campaign_id = campaign.id
    comment.campaign_id = campaign.id
    session.add_all([match, comment])
    session.flush()
    assert campaign.id is not None
    return campaign.id


def _set_face(session: Session, *, campaign: Campaign, face: Comment) -> None:
    campaign.representative_comment_id = face.id  # type: ignore[assignment]
    campaign.representative_text = face.body
    session.add(campaign)
    session.flush()


def refresh_representative(session: Session, *, campaign_id: int) -> Campaign | None:
    """Make a campaign's representative its earliest visible member (kept as is when all are hidden)."""
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        return None
    face = earliest_visible_member(session, campaign_id=campaign_id)
    if face is not None and (
        face.id != campaign.representative_comment_id or face.body != campaign.representative_text
    ):
        _set_face(session, campaign=campaign, face=face)
    return campaign


@dataclass(frozen=True)
class _Copies:
    """What the probe found: the earliest exact copy and the nearest near-copy (ids)."""

    exact: int | None
    near: int | None


def _copies(session: Session, *, comment: Comment, fp: Fingerprint, threshold: float) -> _Copies:
    exact, best_id, best = None, None, threshold
    candidates = copy_candidates(
        session,
        window_id=comment.window_id,  # type: ignore[arg-type]
        text_hash=comment.text_hash,
        comment_id=comment.id,  # type: ignore[arg-type]
        bands=fp.bands,
    )
    for comment_id, signature in candidates:
        if signature is None:
            exact = comment_id
            continue
        score = similarity(fp.signature, b=np.frombuffer(signature, dtype="<u4"))
        if score > best or (score == best and (best_id is None or comment_id < best_id)):
            best_id, best = comment_id, score
    return _Copies(exact=exact, near=best_id)


def detect(
    session: Session, *, comment: Comment, threshold: float, fp: Fingerprint | None = None
) -> int | None:
    """Group a new top-level comment with its exact or near duplicates; return its campaign id.

    `fp` is the body's fingerprint when the caller computed it already (before its transaction).
    """
    if comment.parent_id is not None or comment.window_id is None:
        return None
    fp = fp or fingerprint(comment.body, threshold=threshold)
    copies = _copies(session, comment=comment, fp=fp, threshold=threshold)
    if copies.exact is not None:
        # A copy's bands equal the original's: storing them again would only grow the buckets.
        return _join(session, comment=comment, match_id=copies.exact)
    store_fingerprint(
        session,
        comment_id=comment.id,  # type: ignore[arg-type]
        window_id=comment.window_id,
        signature=fp.to_bytes(),
        bands=fp.bands,
    )
    if copies.near is None:
        return None
    return _join(session, comment=comment, match_id=copies.near)


@dataclass(frozen=True)
class CampaignGroup:
    """A campaign as listed: its row and the number of its members, counted when read."""

    id: int
    window_id: int
    representative_comment_id: int
    representative_text: str
    created_at: datetime
    size: int
    # Authors whose account was made after the window opened: many of them hint at a staged campaign.
    fresh_accounts: int = 0


def list_campaigns(
    session: Session, *, window_ids: Sequence[int], visible_only: bool = False
) -> list[CampaignGroup]:
    """Return the windows' campaign groups, largest first; `visible_only` drops all-hidden ones."""
    if not window_ids:
        return []
    rows = campaigns_with_size(session, window_ids=window_ids, visible_only=visible_only)
    return [
        CampaignGroup(
            id=c.id,  # type: ignore[arg-type]
            window_id=c.window_id,
            representative_comment_id=c.representative_comment_id,
            representative_text=c.representative_text,
            created_at=c.created_at,
            size=n,
            fresh_accounts=fresh,
        )
        for c, n, fresh in rows
    ]
