"""The scan of a paper input or a letter: checked, stored under the data dir, served to whom may see it.

The type is read from the file's first bytes, never from its name or the browser's word, and only
PDF, PNG and JPEG are kept. A scan is stored once by its SHA-256 (a re-upload or a rolled-back
request leaves one file, never a half-written one: it is written aside and renamed). Staff (the
owning unit's drafters, moderators, admins) may always open it; anyone else only when the officer
marked it public and the comment is not hidden, since a letter may carry a home address or a
signature.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from policies.accounts.access import Actor
from policies.consultation.offline import require_officer
from policies.consultation.queries.voices import origins_of
from policies.consultation.read_model import can_see_hidden
from policies.consultation.register import comment_of
from policies.consultation.voice_models import CommentOrigin
from policies.core.errors import InvalidInput, NotFound
from policies.core.settings import Settings
from policies.lifecycle.queries import get_policy

SCAN_DIR = "scans"
# Leaves room under the request body limit for the form's other fields and the multipart framing.
FORM_MARGIN = 64_000
KINDS = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)
NO_SCAN = ("Masukan ini tidak memiliki pindaian.", "This input has no scan.")


def max_scan_bytes(settings: Settings) -> int:
    """Return the largest scan a deployment accepts (what its request body limit leaves room for)."""
    return max(1, settings.max_body_bytes - FORM_MARGIN)


def kind_of(content: bytes) -> tuple[str, str]:
    """Return a scan's media type and extension from its first bytes; refuse any other file."""
    for magic, media_type, ext in KINDS:
        if content.startswith(magic):
            return media_type, ext
    raise InvalidInput(
        "Pindaian harus berupa berkas PDF, PNG atau JPEG.",
        en="A scan must be a PDF, PNG or JPEG file.",
        field="scan",
    )


def _store(content: bytes, *, data_dir: Path, ext: str) -> str:
    name = f"{hashlib.sha256(content).hexdigest()}.{ext}"
    folder = Path(data_dir) / SCAN_DIR
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    if not target.exists():
        aside = folder / f".{name}.{os.getpid()}.part"
        aside.write_bytes(content)
        os.replace(aside, target)
    return name


def _clean_name(filename: str, *, ext: str) -> str:
    # Shown and sent back as the download's name: its last path part, printable, bounded.
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '";')[:150].strip()
    return base or f"pindaian.{ext}"


def attach_scan(
    session: Session,
    *,
    actor: Actor | None,
    slug: str,
    comment_id: int,
    content: bytes,
    filename: str,
    public: bool,
    settings: Settings,
) -> CommentOrigin:
    """Attach (or replace) the scan of an input an officer recorded."""
    policy = get_policy(session, slug=slug)
    require_officer(actor, policy=policy)
    comment_of(session, policy=policy, comment_id=comment_id)
    origin = origins_of(session, comment_ids=[comment_id]).get(comment_id)
    if origin is None:
        raise InvalidInput(
            "Pindaian hanya dilampirkan pada masukan luring yang dicatat petugas.",
            en="A scan is attached only to an offline input an officer recorded.",
            field="comment_id",
        )
    if not content:
        raise InvalidInput("Berkas pindaian kosong.", en="The scan file is empty.", field="scan")
    limit = max_scan_bytes(settings)
    if len(content) > limit:
        raise InvalidInput(
            f"Pindaian terlalu besar ({len(content):,} bita); maksimal {limit:,} bita.".replace(",", "."),
            en=f"The scan is too large ({len(content):,} bytes); at most {limit:,} bytes.",
            field="scan",
        )
    media_type, ext = kind_of(content)
    origin.scan_file = _store(content, data_dir=settings.data_dir, ext=ext)
    origin.scan_name = _clean_name(filename, ext=ext)
    origin.scan_type = media_type
    origin.scan_size = len(content)
    origin.scan_public = public
    session.add(origin)
    session.flush()
    return origin


@dataclass(frozen=True)
class ScanFile:
    """A stored scan, ready to be sent."""

    path: Path
    media_type: str
    name: str


def may_open(viewer: Actor | None, *, origin: CommentOrigin, hidden: bool, staff: bool) -> bool:
    """Tell whether a viewer may open a scan: staff always, others a public scan of a visible comment."""
    return bool(origin.scan_file) and (staff or (origin.scan_public and not hidden))


def read_scan(
    session: Session, *, viewer: Actor | None, slug: str, comment_id: int, settings: Settings
) -> ScanFile:
    """Return the scan of a comment for a viewer allowed to open it (anyone else: not found)."""
    policy = get_policy(session, slug=slug)
    comment = comment_of(session, policy=policy, comment_id=comment_id)
    origin = origins_of(session, comment_ids=[comment_id]).get(comment_id)
    staff = can_see_hidden(viewer, policy=policy)
    if origin is None or not may_open(
        viewer, origin=origin, hidden=comment.hidden_at is not None, staff=staff
    ):
        # Not found either way: a private scan's existence is not announced.
        raise NotFound(NO_SCAN[0], en=NO_SCAN[1])
    path = Path(settings.data_dir) / SCAN_DIR / origin.scan_file
    if not path.is_file():
        raise NotFound(NO_SCAN[0], en=NO_SCAN[1])
    return ScanFile(path=path, media_type=origin.scan_type, name=origin.scan_name)
