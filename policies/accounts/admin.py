"""What an admin does with accounts after making them: list them, move one to another unit or
jabatan (mutasi, promosi), and deactivate or reactivate one.

A unit and a jabatan decide who a policy's change reaches (re-acknowledgement, survey populations),
and civil servants change both often; an account that could not follow them kept its old reach.
"""

from __future__ import annotations

from sqlmodel import Session

from policies.accounts.access import Actor, require_role
from policies.accounts.actions import check_position, check_unit, get_account, require_unit
from policies.accounts.models import Account, Role
from policies.accounts.queries import accounts_listed
from policies.core.errors import Conflict, NotFound


def list_accounts(session: Session, *, actor: Actor | None) -> list[Account]:
    """Return every account, staff first (admins only)."""
    require_role(actor, Role.ADMIN)
    return accounts_listed(session)


def account_for_admin(session: Session, *, actor: Actor | None, account_id: int) -> Account:
    """Return an account for an admin to change (admins only; NotFound for an unknown id)."""
    require_role(actor, Role.ADMIN)
    account = get_account(session, account_id=account_id)
    if account is None:
        raise NotFound("Akun tidak ditemukan.", en="The account was not found.")
    return account


def update_account(
    session: Session,
    *,
    actor: Actor | None,
    account_id: int,
    unit: str | None = None,
    position: str | None = None,
    active: bool | None = None,
) -> Account:
    """Change an account's unit, jabatan or whether it may sign in (admins only); None keeps a value."""
    account = account_for_admin(session, actor=actor, account_id=account_id)
    if unit is not None:
        unit = check_unit(unit)
        require_unit(role=Role(account.role), group=account.group, unit=unit)
        account.unit = unit
    if position is not None:
        account.position = check_position(position)
    if active is not None:
        if not active and actor is not None and account.id == actor.id:
            # The last admin could lock everyone out; any admin would lock themselves out.
            raise Conflict(
                "Anda tidak dapat menonaktifkan akun Anda sendiri; minta admin lain melakukannya.",
                en="You cannot deactivate your own account; ask another admin to do it.",
                field="active",
            )
        account.active = active
    session.add(account)
    session.flush()
    return account
