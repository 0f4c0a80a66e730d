"""The admins' accounts page: every account, a staff account made, a unit, jabatan or access changed."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlmodel import Session
from starlette.responses import Response

from policies.accounts import actions as accounts
from policies.accounts import admin
from policies.accounts.access import Actor
from policies.accounts.models import Role
from policies.core.errors import Conflict, InvalidInput
from service.api.accounts import AccountCreate
from service.api.params import IdPath
from service.deps import SessionDep
from service.problems import status_of
from service.web.accounts import ACCOUNT_TEXTS
from service.web.forms import PageForm, errors_of, text
from service.web.render import (
    FormDep,
    PageActorDep,
    PageReadSessionDep,
    PageRoute,
    locale_of,
    redirect,
    render,
    signed_in,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)
CREATE_FORM = PageForm(
    AccountCreate,
    refusals={"role": ("Pilih peran.", "Choose a role.")},
    texts=(*ACCOUNT_TEXTS, text("nip", "NIP", "The NIP")),
)
CREATE_FIELDS = ("email", "name", "password", "role", "unit", "position", "nip")
STAFF_ROLES = (Role.DRAFTER, Role.MODERATOR, Role.EVALUATOR, Role.ADMIN)


def _list_context(session: Session, *, actor: Actor | None) -> dict[str, object]:
    return {
        "accounts": admin.list_accounts(session, actor=actor),
        "roles": STAFF_ROLES,
        "values": {},
        "errors": {},
    }


@router.get("/admin/accounts", name="accounts_admin")
def accounts_page(request: Request, session: PageReadSessionDep, actor: PageActorDep) -> Response:
    """List every account and let an admin make a staff account."""
    return render(request, "web/accounts_admin.html", _list_context(session, actor=signed_in(actor)))


@router.post("/admin/accounts", name="create_account")
def post_account(request: Request, form: FormDep, session: SessionDep, actor: PageActorDep) -> Response:
    """Make a staff account (verified: the admin vouches for the address); a refusal keeps what was typed."""
    values = {name: str(form.get(name, "")) for name in CREATE_FIELDS if name != "password"}
    try:
        payload = CREATE_FORM.parse(form)
        made = accounts.create_account(session, actor=signed_in(actor), **payload.model_dump())
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        context = _list_context(session, actor=actor)
        context.update(values=values, errors=errors_of(exc, locale=locale_of(request)))
        return render(request, "web/accounts_admin.html", context, status_code=status_of(exc))
    return redirect(request, f"/admin/accounts#account-{made.id}")


@router.get("/admin/accounts/{account_id}", name="account_admin")
def account_page(
    account_id: IdPath, request: Request, session: PageReadSessionDep, actor: PageActorDep
) -> Response:
    """Show one account's unit, jabatan and access for an admin to change."""
    account = admin.account_for_admin(session, actor=signed_in(actor), account_id=account_id)
    return render(request, "web/account_admin.html", {"account": account, "values": {}, "errors": {}})


@router.post("/admin/accounts/{account_id}", name="update_account")
def post_account_change(
    account_id: IdPath, request: Request, form: FormDep, session: SessionDep, actor: PageActorDep
) -> Response:
    """Change the unit, jabatan and access at once; a refusal shows the form again with what was typed."""
    # An unchecked box sends nothing: the form always says whether the account stays active.
    values = {"unit": str(form.get("unit", "")), "position": str(form.get("position", ""))}
    active = form.get("active") == "on"
    try:
        # Blank is a value here (no jabatan; no unit, which the domain refuses where a role needs
        # one), not "left out": the domain's own checks word a refusal (length, NUL) for the page.
        admin.update_account(session, actor=signed_in(actor), account_id=account_id, **values, active=active)
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        account = admin.account_for_admin(session, actor=signed_in(actor), account_id=account_id)
        context = {
            "account": account,
            "values": {**values, "active": active},
            "errors": errors_of(exc, locale=locale_of(request)),
        }
        return render(request, "web/account_admin.html", context, status_code=status_of(exc))
    return redirect(request, f"/admin/accounts#account-{account_id}")
