"""Accounts and sign-in: register, verify the email, login, logout, who am I, and the accounts an admin
makes, lists and changes."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from policies.accounts import actions as accounts
from policies.accounts import admin, verification
from policies.accounts.models import Account, Role, StakeholderGroup
from policies.core.db import read_session, unit_of_work, utcnow
from policies.core.errors import NotFound
from policies.core.secret_key import ensure_secret_key
from policies.core.settings import Settings
from service.api.params import IdPath
from service.api.schemas import Line, ReadModel, Text
from service.auth import ActorDep, WriterDep, bearer_token, client_address, sign_in
from service.deps import ReadSessionDep, SessionDep, SettingsDep
from service.problems import problem_locale

router = APIRouter(tags=["accounts"])


class RegisterIn(BaseModel):
    """A stakeholder signing up; an ASN gives an 18-digit NIP and a unit."""

    email: Line = Field(min_length=3, max_length=254, examples=["budi@example.id"])
    name: Line = Field(min_length=1, max_length=200)
    password: Text = Field(min_length=accounts.MIN_PASSWORD_LENGTH, max_length=200)
    group: StakeholderGroup = StakeholderGroup.PUBLIC
    nip: Text = Field(default="", max_length=30)
    unit: Text = Field(default="", max_length=200)
    position: Text = Field(
        default="", max_length=120, description="Jabatan (opsional), mis. 'Kepala Sekolah'."
    )


class AccountCreate(RegisterIn):
    """An account of any role, created by an admin; a drafter names its unit."""

    role: Role


class LoginIn(BaseModel):
    """Credentials."""

    email: Text = Field(min_length=1, max_length=254)
    password: Text = Field(min_length=1, max_length=200)


class TokenOut(BaseModel):
    """A bearer token to send as `Authorization: Bearer <access_token>`."""

    access_token: str
    token_type: str = "bearer"
    expires_at: datetime


class AccountPublic(ReadModel):
    """An account as its owner and admins see it (never the password hash)."""

    id: int
    email: str
    name: str
    role: Role
    unit: str
    position: str
    group: str
    nip: str
    created_at: datetime
    email_verified_at: datetime | None = Field(
        description="When the owner opened the verification link (or an admin made the account); "
        "until then the account cannot comment, reply or vote."
    )


class AccountListed(AccountPublic):
    """An account as the admins' list shows it: whether it may sign in as well."""

    active: bool


class AccountUpdate(BaseModel):
    """What an admin changes of an account; a field left out keeps its value."""

    unit: Text | None = Field(default=None, max_length=200, description="Unit kerja (perangkat daerah).")
    position: Text | None = Field(default=None, max_length=120, description="Jabatan; kosong: tanpa jabatan.")
    active: bool | None = Field(default=None, description="false: the account can no longer sign in.")


class RegistrationOut(BaseModel):
    """What a sign-up answers, the same whether the email was new or registered already."""

    email: str
    detail: str


class VerifyIn(BaseModel):
    """The token of the link in the verification email."""

    token: Text = Field(min_length=1, max_length=500)


class VerificationOut(BaseModel):
    """What asking for a new verification email did."""

    detail: str


def registered_detail(*, email: str, locale: str) -> str:
    """Say what happens next after a sign-up, revealing nothing about whether the email was known."""
    if locale == "en":
        return (
            f"Registration received. We are sending an email to {email}: open the link in it to "
            "verify your address before you comment. If this address already has an account, the "
            "email says how to sign in instead."
        )
    return (
        f"Pendaftaran diterima. Kami mengirim email ke {email}: buka tautan di dalamnya untuk "
        "memverifikasi alamat Anda sebelum memberi masukan. Bila alamat ini sudah memiliki akun, "
        "email itu menjelaskan cara masuk."
    )


def register_from(settings: Settings, *, payload: RegisterIn, address: str) -> None:
    """Register a stakeholder from a client address (the API's and the page's one way)."""
    now = utcnow()
    # A refusal while the address waits costs a read, not an argon2 hash.
    with read_session(settings.database_url) as session:
        accounts.refuse_signups_while_blocked(session, address=address, now=now)
    rules = accounts.SignUpRules.of(per_address=settings.registrations_per_address)
    with unit_of_work(settings.database_url) as session:
        accounts.register_stakeholder(session, **payload.model_dump(), address=address, now=now, rules=rules)


@router.post(
    "/auth/register",
    status_code=202,
    response_model=RegistrationOut,
    responses={
        429: {"description": "Terlalu banyak pendaftaran dari alamat jaringan ini (lihat Retry-After)."}
    },
)
def register(payload: RegisterIn, request: Request, settings: SettingsDep) -> RegistrationOut:
    """Sign up as a stakeholder (ASN, union, academic or public); the verification link comes by email.

    The answer is the same whether the email was new or already registered (its owner is told by
    email), so it tells nobody which emails have accounts. Sign in with the email and password;
    commenting waits until the link in the email was opened.
    """
    register_from(settings, payload=payload, address=client_address(request))
    email = payload.email.strip().lower()
    return RegistrationOut(email=email, detail=registered_detail(email=email, locale=problem_locale(request)))


@router.post("/auth/verify-email", response_model=AccountPublic)
def verify_email(payload: VerifyIn, session: SessionDep, settings: SettingsDep) -> Account:
    """Verify an account's email with the token of the emailed link (no sign-in needed)."""
    return verification.verify_email(
        session, token=payload.token, secret=ensure_secret_key(settings), now=utcnow()
    )


@router.post("/auth/verification", status_code=202, response_model=VerificationOut)
def resend_verification(request: Request, actor: WriterDep, session: SessionDep) -> VerificationOut:
    """Send the signed-in account a new verification email (at most one every ten minutes)."""
    account = accounts.get_account(session, account_id=actor.id or 0)
    if account is None:
        raise NotFound("Akun tidak ditemukan.", en="The account was not found.")
    english = problem_locale(request) == "en"
    if verification.is_verified(account):
        return VerificationOut(
            detail="Your email is verified already." if english else "Email Anda sudah terverifikasi."
        )
    verification.send_verification(session, account=account, now=utcnow())
    return VerificationOut(
        detail=f"A verification email is on its way to {account.email}."
        if english
        else f"Email verifikasi sedang dikirim ke {account.email}."
    )


@router.post(
    "/auth/login",
    response_model=TokenOut,
    responses={
        401: {"description": "E-mel atau kata sandi salah, atau akun dinonaktifkan."},
        429: {
            "description": "Terlalu banyak percobaan gagal untuk email atau alamat ini (lihat Retry-After)."
        },
    },
)
def login(payload: LoginIn, request: Request, settings: SettingsDep) -> TokenOut:
    """Exchange email and password for a bearer token (failures wait longer and longer)."""
    issued = sign_in(
        settings, email=payload.email, password=payload.password, address=client_address(request)
    )
    return TokenOut(access_token=issued.token, expires_at=issued.expires_at)


@router.post("/auth/logout", status_code=204, response_class=Response)
def logout(request: Request, actor: WriterDep, session: SessionDep) -> Response:
    """Revoke the token this request was signed with."""
    accounts.logout(session, token=bearer_token(request) or "", now=utcnow())
    return Response(status_code=204)


@router.get("/me", response_model=AccountPublic)
def me(actor: ActorDep, session: ReadSessionDep) -> Account:
    """Read the signed-in account."""
    account = accounts.get_account(session, account_id=actor.id or 0)
    if account is None:
        raise NotFound("Akun tidak ditemukan.", en="The account was not found.")
    return account


@router.post("/accounts", status_code=201, response_model=AccountPublic)
def create_account(payload: AccountCreate, actor: WriterDep, session: SessionDep) -> Account:
    """Create an account of any role (admins only)."""
    return accounts.create_account(session, actor=actor, **payload.model_dump())


@router.get("/accounts", response_model=list[AccountListed])
def list_accounts(actor: ActorDep, session: ReadSessionDep) -> list[Account]:
    """List every account, staff first (admins only)."""
    return admin.list_accounts(session, actor=actor)


@router.patch("/accounts/{account_id}", response_model=AccountListed)
def update_account(
    account_id: IdPath, payload: AccountUpdate, actor: WriterDep, session: SessionDep
) -> Account:
    """Move an account to another unit or jabatan, or deactivate or reactivate it (admins only)."""
    return admin.update_account(session, actor=actor, account_id=account_id, **payload.model_dump())
