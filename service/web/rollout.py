"""Roll-out on the pages: a reader confirms having read the adopted policy."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from policies.rollout.actions import acknowledge
from service.deps import SessionDep
from service.web.render import (
    FormDep,
    PageActorDep,
    PageRoute,
    redirect,
    signed_in,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.post("/policies/{slug}/acknowledge", name="acknowledge")
def post_acknowledge(
    slug: str, request: Request, form: FormDep, session: SessionDep, actor: PageActorDep
) -> Response:
    """Confirm having read the adopted policy."""
    acknowledge(session, actor=signed_in(actor), slug=slug)
    return redirect(request, f"/policies/{slug}#acknowledgement")
