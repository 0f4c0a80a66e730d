"""Version-pinned acknowledgements on the pages: a reader reads only what changed for their unit; the
owner maps elements to units or positions, asks again after a change and reads the reach per unit,
position and version."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlmodel import Session
from starlette.responses import Response

from policies.accounts.access import Actor, require_owner
from policies.core.errors import DomainError
from policies.lifecycle import queries
from policies.lifecycle.models import Policy
from policies.rollout import actions as rollout
from policies.rollout import queries as rollout_queries
from policies.rollout import resocialization
from policies.rollout.reach import reach_by_position, reach_by_unit, reach_by_version
from service.api.params import IdPath
from service.deps import SessionDep
from service.problems import status_of
from service.web.forms import errors_on
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
SCOPE_FIELDS = frozenset({"element_key", "unit", "position"})


@router.get("/policies/{slug}/reacknowledge", name="reacknowledge")
def reacknowledge_page(
    slug: str, request: Request, session: PageReadSessionDep, actor: PageActorDep
) -> Response:
    """Show a reader only the changes since the version they read that apply to their unit."""
    policy = queries.get_policy(session, slug=slug)
    found = resocialization.what_to_read(session, actor=signed_in(actor), slug=slug)
    return render(request, "web/reacknowledge.html", {"policy": policy, "read": found})


@router.post("/policies/{slug}/reacknowledge", name="post_reacknowledge")
def post_reacknowledge(
    slug: str, request: Request, form: FormDep, session: SessionDep, actor: PageActorDep
) -> Response:
    """Confirm having read the changes: the acknowledgement is pinned to the adopted version."""
    rollout.acknowledge(session, actor=signed_in(actor), slug=slug)
    return redirect(request, f"/policies/{slug}/reacknowledge#done")


def _scopes_context(session: Session, policy: Policy) -> dict[str, object]:
    elements = resocialization.mappable_elements(session, policy=policy)
    return {
        "policy": policy,
        "elements": elements,
        "labels": {e.key: e.label for e in elements},
        "scopes": rollout_queries.scopes_of(session, policy_id=policy.id),  # type: ignore[arg-type]
        "units": reach_by_unit(session, policy=policy),
        "positions": reach_by_position(session, policy=policy),
        "versions": reach_by_version(session, policy=policy),
        "adopted": rollout_queries.latest_adoption(session, policy_id=policy.id) is not None,  # type: ignore[arg-type]
        "asked": None,
        "errors": {},
        "values": {},
    }


def request_asked(value: str | None) -> int | None:
    """Read how many were asked again from the redirect's query (None: nobody asked yet)."""
    return int(value) if value and value.isdigit() else None


def _owner(session: Session, slug: str, actor: Actor | None) -> tuple[Policy, Actor]:
    policy = queries.get_policy(session, slug=slug)
    return policy, require_owner(signed_in(actor), policy=policy)


@router.get("/policies/{slug}/element-scopes", name="element_scopes")
def scopes_page(slug: str, request: Request, session: PageReadSessionDep, actor: PageActorDep) -> Response:
    """Show which elements apply to which units or positions, the form that maps one, and the reach."""
    policy, _ = _owner(session, slug, actor)
    page = _scopes_context(session, policy)
    page["asked"] = request_asked(request.query_params.get("asked"))
    return render(request, "web/element_scopes.html", page)


@router.post("/policies/{slug}/element-scopes", name="add_element_scope")
def post_scope(
    slug: str, request: Request, form: FormDep, session: SessionDep, actor: PageActorDep
) -> Response:
    """Map an element to a unit or a position it applies to (exactly one of the two)."""
    _, me = _owner(session, slug, actor)
    values = {k: str(form.get(k, "")) for k in SCOPE_FIELDS}
    try:
        resocialization.add_scope(session, actor=me, slug=slug, **values)
    except DomainError as exc:
        session.rollback()
        page = _scopes_context(session, queries.get_policy(session, slug=slug))
        page.update(values=values, errors=errors_on(exc, locale=locale_of(request), fields=SCOPE_FIELDS))
        return render(request, "web/element_scopes.html", page, status_code=status_of(exc))
    return redirect(request, f"/policies/{slug}/element-scopes#scopes")


@router.post("/policies/{slug}/element-scopes/{scope_id}/remove", name="remove_element_scope")
def post_remove_scope(
    slug: str, scope_id: IdPath, request: Request, form: FormDep, session: SessionDep, actor: PageActorDep
) -> Response:
    """Remove one row of the element-to-unit map."""
    _, me = _owner(session, slug, actor)
    resocialization.remove_scope(session, actor=me, slug=slug, scope_id=scope_id)
    return redirect(request, f"/policies/{slug}/element-scopes#scopes")


@router.post("/policies/{slug}/reacknowledgements", name="ask_again")
def post_ask_again(
    slug: str, request: Request, form: FormDep, session: SessionDep, actor: PageActorDep
) -> Response:
    """Ask again the readers a change since their version applies to."""
    _, me = _owner(session, slug, actor)
    asked = resocialization.ask_again(session, actor=me, slug=slug)
    return redirect(request, f"/policies/{slug}/element-scopes?asked={asked}#reach")
