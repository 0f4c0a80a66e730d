"""Survey tokens: derived from the app secret, so a link can be rebuilt for every reminder, never stored.

token = HMAC-SHA256(secret, "survey:<round id>:<respondent id>:<salt>"), the first 24 bytes in
URL-safe base64 (32 characters, 192 bits). Only its SHA-256 hash is kept on the respondent row; a
new random salt reissues the link and the old one stops working.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SURVEY_PAGE = "/survei"
TOKEN_BYTES = 24


def new_salt() -> str:
    """Return a fresh per-respondent salt."""
    return secrets.token_hex(16)


def salt_mark(salt: str) -> str:
    """Return a short fingerprint of a salt, for keys shown to admins (the salt itself never is)."""
    return hashlib.sha256(f"salt:{salt}".encode()).hexdigest()[:16]


def derive_token(*, secret: str, round_id: int, respondent_id: int, salt: str) -> str:
    """Return a respondent's plain token."""
    if not secret or not salt:
        # A token from an empty key or salt would be guessable by anyone who knows the ids.
        raise ValueError("survey tokens need the app secret and the respondent's salt")
    message = f"survey:{round_id}:{respondent_id}:{salt}".encode()
    mac = hmac.new(secret.encode(), message, hashlib.sha256).digest()[:TOKEN_BYTES]
    return base64.urlsafe_b64encode(mac).decode()


def hash_token(token: str) -> str:
    """Return the stored form of a one-time survey token."""
    return hashlib.sha256(token.encode()).hexdigest()


def survey_link(*, base_url: str, token: str) -> str:
    """Return the personal link that opens the questionnaire (the page of service/web/survey.py)."""
    return f"{base_url.rstrip('/')}{SURVEY_PAGE}?token={token}"
