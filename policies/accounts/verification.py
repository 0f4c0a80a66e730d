"""Email verification: a self-registered account speaks in a consultation once its owner opened a link.

The link's token is signed with the app secret (itsdangerous, timed) over the account's id and
email, so nothing secret is stored: the message carries the ids, and the deliverer rebuilds the
link when it sends (the outbox hook below), as survey links are. A link stops working after
`TOKEN_MAX_AGE`, or when the email changed; opening it again after success changes nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlmodel import Session

from policies.accounts.access import Actor, require_role
from policies.accounts.models import Account, Role
from policies.accounts.queries import find_account, unverified_recipient
from policies.core.errors import InvalidInput, NotFound
from policies.outbox import hooks
from policies.outbox.models import Channel, Reminder
from policies.outbox.notify import Recipient, enqueue

VERIFY_TEMPLATE = "email_verification"
VERIFY_PAGE = "/verify-email"
TOKEN_MAX_AGE = timedelta(days=7)
# A resend within this time is the message already queued (a button pressed twice sends one).
RESEND_EVERY = timedelta(minutes=10)
_SALT = "siklus-email-verification"


def _signer(secret: str) -> URLSafeTimedSerializer:
    if not secret:
        # A token signed with an empty key would be forgeable by anyone who knows an account's id.
        raise ValueError("verification links need the app secret")
    return URLSafeTimedSerializer(secret, salt=_SALT)


def verification_token(*, secret: str, account_id: int, email: str) -> str:
    """Return a signed, timed token for one account's current email."""
    return str(_signer(secret).dumps([account_id, email]))


def verification_link(*, base_url: str, token: str) -> str:
    """Return the page that verifies the address (service/web/accounts.py)."""
    return f"{base_url.rstrip('/')}{VERIFY_PAGE}?token={token}"


def is_verified(account: Account) -> bool:
    """Tell whether the account's email is verified."""
    return account.email_verified_at is not None


def send_verification(session: Session, *, account: Account, now: datetime) -> bool:
    """Queue the verification email to the account's address; tell whether a new one was queued."""
    if is_verified(account):
        return False
    # One per RESEND_EVERY: the key names the slot of time the request falls in.
    slot = int(now.timestamp() // RESEND_EVERY.total_seconds())
    _, new = enqueue(
        session,
        dedupe_key=f"email-verification:a{account.id}:{slot}",
        template=VERIFY_TEMPLATE,
        channel=Channel.EMAIL,
        recipient=Recipient.of(account),
        due_at=now,
        context={"account_id": account.id, "email": account.email, "name": account.name},
    )
    session.flush()
    return new


BAD_LINK = (
    "Tautan verifikasi ini tidak berlaku. Salin seluruh tautan dari email, atau masuk lalu minta "
    "email verifikasi baru di halaman " + VERIFY_PAGE + ".",
    "This verification link is not valid. Copy the whole link from the email, or sign in and "
    "ask for a new verification email on the page " + VERIFY_PAGE + ".",
)


def _bad_link() -> InvalidInput:
    return InvalidInput(BAD_LINK[0], en=BAD_LINK[1], field="token")


def verify_email(session: Session, *, token: str, secret: str, now: datetime) -> Account:
    """Mark the account of a valid link verified (again is harmless); refuse a bad or old link."""
    try:
        account_id, email = _signer(secret).loads(token, max_age=int(TOKEN_MAX_AGE.total_seconds()))
    except SignatureExpired as exc:
        raise InvalidInput(
            "Tautan verifikasi ini sudah kedaluwarsa (berlaku 7 hari). Masuk lalu minta email "
            "verifikasi baru di halaman " + VERIFY_PAGE + ".",
            en="This verification link has expired (it works for 7 days). Sign in and ask for a new "
            "verification email on the page " + VERIFY_PAGE + ".",
            field="token",
        ) from exc
    except (BadSignature, ValueError, TypeError) as exc:
        raise _bad_link() from exc
    account = session.get(Account, account_id) if isinstance(account_id, int) else None
    if account is None or account.email != email:
        raise _bad_link()
    if account.email_verified_at is None:
        account.email_verified_at = now
        session.add(account)
        session.flush()
    return account


def vouch(session: Session, *, actor: Actor | None, email: str, now: datetime) -> Account:
    """Mark an account's email verified on an admin's word (the mail never arrived, say)."""
    require_role(actor, Role.ADMIN)
    account = find_account(session, email=email)
    if account is None:
        raise NotFound(f"Tidak ada akun dengan email {email}.", en=f"No account has the email {email}.")
    if account.email_verified_at is None:
        account.email_verified_at = now
        session.add(account)
        session.flush()
    return account


def why_obsolete(session: Session, reminder: Reminder, now: datetime) -> str:
    """Say why a verification email is no longer worth sending ("" while it still is)."""
    account = session.get(Account, reminder.recipient_account_id) if reminder.recipient_account_id else None
    if account is None:
        return "akunnya tidak ada lagi"
    if is_verified(account):
        return "email akun sudah terverifikasi"
    if account.email != reminder.context.get("email"):
        return "email akun sudah berubah"
    return ""


def _still_unverified(now: datetime) -> Any:
    return unverified_recipient(Reminder.recipient_account_id)  # type: ignore[arg-type]


def _extras(reminder: Reminder, *, base_url: str, secret: str) -> dict[str, Any]:
    ctx = reminder.context
    if not secret or not isinstance(ctx.get("account_id"), int):
        return {"verify_link": ""}
    token = verification_token(secret=secret, account_id=ctx["account_id"], email=str(ctx.get("email", "")))
    return {"verify_link": verification_link(base_url=base_url, token=token)}


def register() -> None:
    """Register the account emails' hooks with the outbox (verification, failed sign-ins, taken email)."""
    hooks.register(
        templates=(VERIFY_TEMPLATE,),
        hooks=hooks.TemplateHooks(obsolete=why_obsolete, current=_still_unverified, extras=_extras),
    )
    # Imported here: both modules enqueue through this one (a top-level import would be a cycle).
    from policies.accounts.actions import ALREADY_REGISTERED_TEMPLATE
    from policies.accounts.signin import LOGIN_FAILURES_TEMPLATE

    # A warning about failed sign-ins or a second registration of one's address is news to the
    # owner whenever it arrives: it never goes stale.
    owner_news = (LOGIN_FAILURES_TEMPLATE, ALREADY_REGISTERED_TEMPLATE)
    hooks.register(templates=owner_news, hooks=hooks.ALWAYS_CURRENT)
