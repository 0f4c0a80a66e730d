"""What a new password must be: long enough, not blank, not the email, not common, not trivially guessable.

The common list is zxcvbn's (its 30,000 most frequent passwords of leaked sets), and "trivially
guessable" is zxcvbn's lowest score: repeats, sequences and keyboard walks such as "aaaaaaaa",
"12341234" or "qwertyuiop". Both ship inside the pinned zxcvbn package: nothing is fetched.
"""

from __future__ import annotations

import secrets
from functools import lru_cache

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from policies.core.errors import InvalidInput
from policies.core.i18n import format_number
from policies.core.settings import get_settings

MIN_PASSWORD_LENGTH = 8
# The column's size (policies/accounts/models.py) and the API schemas' limit.
MAX_PASSWORD_LENGTH = 200
# zxcvbn refuses longer input; a password this long is never guessable by its patterns anyway.
ESTIMATED_CHARS = 72


@lru_cache
def _hasher() -> PasswordHash:
    # A hash carries its own parameters: one made at another cost still verifies.
    settings = get_settings()
    return PasswordHash(
        (
            Argon2Hasher(
                memory_cost=settings.password_hash_memory_kib, time_cost=settings.password_hash_passes
            ),
        )
    )


# Verifying against this when the email is unknown keeps login time independent of whether it exists.
@lru_cache
def dummy_hash() -> str:
    """Return the hash of a random password no account has."""
    return _hasher().hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    """Hash a password with argon2."""
    return _hasher().hash(password)


def verify_password(*, password: str, password_hash: str) -> bool:
    """Tell whether a password matches its stored hash."""
    return _hasher().verify(password, password_hash)


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"])


def _refuse(detail: str, en: str) -> InvalidInput:
    return InvalidInput(detail, en=en, field="password")


def check_new_password(password: str, *, email: str = "", name: str = "") -> None:
    """Refuse a password an attacker would try first, saying why in Indonesian and English."""
    if len(password) > MAX_PASSWORD_LENGTH:
        raise _refuse(
            f"Kata sandi paling panjang {format_number(MAX_PASSWORD_LENGTH)} karakter.",
            f"The password may be at most {format_number(MAX_PASSWORD_LENGTH, locale='en')} characters long.",
        )
    if not password.strip():
        raise _refuse("Kata sandi tidak boleh hanya berisi spasi.", "The password cannot be only spaces.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise _refuse(
            f"Kata sandi minimal {format_number(MIN_PASSWORD_LENGTH)} karakter.",
            f"The password needs at least {format_number(MIN_PASSWORD_LENGTH, locale='en')} characters.",
        )
    folded = password.strip().casefold()
    email = email.strip().casefold()
    if email and folded in (email, email.split("@")[0]):
        raise _refuse(
            "Kata sandi tidak boleh sama dengan alamat email. Pilih kata sandi lain.",
            "The password cannot be the email address. Choose another password.",
        )
    if folded in _common():
        raise _refuse(
            "Kata sandi ini termasuk yang paling sering dipakai dan mudah ditebak. Pilih yang lain, "
            "misalnya gabungan tiga kata yang tidak berhubungan.",
            "This password is one of the most common ones and easy to guess. Choose another, "
            "for example three unrelated words together.",
        )
    hints = [part for part in (email, email.split("@")[0], name.casefold()) if part]
    if zxcvbn(password[:ESTIMATED_CHARS], user_inputs=hints)["score"] == 0:
        raise _refuse(
            "Kata sandi ini terlalu mudah ditebak (huruf berulang, urutan seperti 12345678 atau "
            "deretan tombol keyboard, atau nama dan email Anda). Pilih yang lain, misalnya gabungan "
            "tiga kata yang tidak berhubungan.",
            "This password is too easy to guess (repeated letters, a sequence such as 12345678 or "
            "a row of keyboard keys, or your name and email). Choose another, for example three "
            "unrelated words together.",
        )
