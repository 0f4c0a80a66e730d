"""Receipts: a code only the respondent holds, proving an answer was counted without saying which.

A receipt is 16 characters of an unambiguous alphabet (80 random bits), shown as four groups
(`K7QX-3M9P-TR2W-H4NC`). Only its SHA-256 hash is stored, in `survey_receipt`: a set of hashes per
round with random ids, written in the same transaction as the answer sheet but naming neither the
sheet nor the respondent, and stored again in random order when the round closes. Whoever holds the
code can learn that it was counted and in which round; nobody can learn from it which sheet is theirs.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlmodel import Session

from policies.core.errors import NotFound
from policies.evaluation import queries
from policies.evaluation.common import get_round, policy_of

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or copied by hand safely
LENGTH = 16
GROUP = 4


def new_receipt() -> str:
    """Return a fresh receipt code, grouped for reading."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i : i + GROUP] for i in range(0, LENGTH, GROUP))


def normalise(code: str) -> str:
    """Return a receipt as typed, without spaces or dashes and in capitals."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def receipt_hash(code: str) -> str:
    """Return the stored form of a receipt code."""
    return hashlib.sha256(f"survey-receipt:{normalise(code)}".encode()).hexdigest()


def keep_receipt(session: Session, *, round_id: int, code: str) -> None:
    """Store a receipt's hash among the round's receipts."""
    queries.add_receipt(session, round_id=round_id, receipt_hash=receipt_hash(code))


@dataclass(frozen=True)
class ReceiptCheck:
    """What a valid receipt confirms: an answer with it counted in this round of this policy."""

    round_id: int
    round_number: int
    policy_slug: str
    policy_title: str
    closed: bool


def check_receipt(session: Session, *, code: str) -> ReceiptCheck:
    """Confirm that an answer with this receipt was counted, or say plainly that none was."""
    cleaned = normalise(code)
    round_id = (
        queries.receipt_round(session, receipt_hash=receipt_hash(cleaned)) if len(cleaned) == LENGTH else None
    )
    if round_id is None:
        raise NotFound(
            "Tidak ada jawaban tercatat dengan tanda terima ini. Periksa lagi kodenya (16 huruf dan "
            "angka, tanda hubung boleh ditulis atau tidak).",
            en="No answer was recorded with this receipt. Check the code again (16 letters and digits; "
            "the dashes may be left out).",
            field="receipt",
        )
    survey = get_round(session, round_id=round_id)
    policy = policy_of(session, survey=survey)
    return ReceiptCheck(
        round_id=round_id,
        round_number=survey.number,
        policy_slug=policy.slug,
        policy_title=policy.title,
        closed=survey.closed_at is not None,
    )
