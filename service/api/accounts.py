"""Accounts and sign-in: register, login, logout, who am I, and accounts created by an admin."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from policies.accounts import actions as accounts
from policies.accounts.models import Account, Role, StakeholderGroup
from policies.core.db import utcnow
from policies.core.errors import NotFound
from service.api.schemas import Line, ReadModel, Text
from service.auth import ActorDep, bearer_token
from service.deps import ReadSessionDep, SessionDep, SettingsDep

router = APIRouter(tags=["accounts"])


class RegisterIn(BaseModel):
    """A stakeholder signing up; an ASN gives an 18-digit NIP and a unit."""

    email: Line = Field(min_length=3, max_length=254, examples=["budi@example.id"])
    name: Line = Field(min_length=1, max_length=200)
    password: Text = Field(min_length=accounts.MIN_PASSWORD_LENGTH, max_length=200)
    group: StakeholderGroup = StakeholderGroup.PUBLIC
    nip: Text = Field(default="", max_length=30)
    unit: Text = Field(default="", max_length=200)


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
    group: str
    nip: str
    created_at: datetime


@router.post("/auth/register", status_code=201, response_model=AccountPublic)
def register(payload: RegisterIn, session: SessionDep) -> Account:
    """Sign up as a stakeholder (ASN, union, academic or public)."""
    return accounts.register_stakeholder(session, **payload.model_dump())


@router.post(
    "/auth/login",
    response_model=TokenOut,
    responses={401: {"description": "E-mel atau kata sandi salah, atau akun dinonaktifkan."}},
)
def login(payload: LoginIn, session: SessionDep, settings: SettingsDep) -> TokenOut:
    """Exchange email and password for a bearer token."""
    issued = accounts.login(
        session,
        email=payload.email,
        password=payload.password,
        now=utcnow(),
        ttl_hours=settings.token_ttl_hours,
    )
    return TokenOut(access_token=issued.token, expires_at=issued.expires_at)


@router.post("/auth/logout", status_code=204, response_class=Response)
def logout(request: Request, actor: ActorDep, session: SessionDep) -> Response:
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
def create_account(payload: AccountCreate, actor: ActorDep, session: SessionDep) -> Account:
    """Create an account of any role (admins only)."""
    return accounts.create_account(session, actor=actor, **payload.model_dump())
