"""Text normalization shared by duplicate detection and hashing."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_NON_WORD = re.compile(r"[^\w\s]+", re.UNICODE)


def normalize(text: str) -> str:
    """Fold case, accents, punctuation and spacing so copies compare equal."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _NON_WORD.sub(" ", text)
    return " ".join(text.split())


def text_hash(text: str) -> str:
    """Hash the normalized text (exact-duplicate key)."""
    return hashlib.sha256(normalize(text).encode()).hexdigest()
