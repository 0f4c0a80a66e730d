"""A comment's public tracking number: "SKL-7K3M-Q9PX", short to read aloud, never in sequence.

Eight characters drawn by `secrets` from an alphabet without the look-alikes 0/O, 1/I/L and U/V
(Crockford's reasoning, one step further): 29^8 ≈ 5 × 10^11 numbers. A fresh draw meets a number
in use with odds of one in five million even with 100,000 comments on record; the comment actions
draw again when it does (`tracking.assign`), and the unique index refuses whatever slips past.
The number reveals nothing: neither the comment's id nor how many came before it. What a person
types back is forgiven its case, spaces, dashes and the prefix.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
PREFIX = "SKL"
LENGTH = 8
# A number as printed, shown to people as the shape to type (drawn from ALPHABET like any other).
EXAMPLE = "SKL-7K3M-Q9PX"
# The column's width: the prefix, two dashes and the eight characters.
WIDTH = len(PREFIX) + 2 + LENGTH
_TYPED = re.compile(r"[\s\-_.]+")


def new_tracking_number() -> str:
    """Draw a fresh tracking number."""
    code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{PREFIX}-{code[:4]}-{code[4:]}"


def normalize(typed: str) -> str | None:
    """Return the canonical form of a typed tracking number, or None when it cannot be one."""
    text = _TYPED.sub("", typed.upper()[:64])
    text = text.removeprefix(PREFIX)
    if len(text) != LENGTH or any(c not in ALPHABET for c in text):
        return None
    return f"{PREFIX}-{text[:4]}-{text[4:]}"
