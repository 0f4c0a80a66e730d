"""Pages for offline inputs: the officer's form (anchored to a Pasal, a part of it or a quote, as
the comment form is), the workshop outcomes entered as inputs, and the scan."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse
from sqlmodel import Session
from starlette.datastructures import FormData, UploadFile
from starlette.responses import Response

from policies.accounts.access import Actor
from policies.accounts.models import StakeholderGroup
from policies.consultation import offline, scans
from policies.consultation.anchors import AnchorRequest
from policies.consultation.comments import CommentRules
from policies.consultation.models import CommentSource, Stance
from policies.consultation.offline import RECORDED, OfflineInput
from policies.consultation.queries import current_window
from policies.consultation.queries.voices import recorded_inputs
from policies.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from policies.drafting.models import TextElement
from policies.drafting.queries import clauses_of
from policies.drafting.queries.elements import elements_of
from policies.lifecycle.models import Policy
from policies.lifecycle.queries import get_policy
from service.api.params import IdPath
from service.deps import SessionDep, SettingsDep
from service.problems import status_of
from service.web.forms import errors_of, errors_on
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

REFUSED = (InvalidInput, Conflict, NotFound, PermissionDenied)
INPUT_FIELDS = (
    "clause_key",
    "source",
    "attributed_to",
    "author_group",
    "occasion",
    "occasion_on",
    "contact_email",
    "contact_nip",
    "stance",
    "body",
    "element_key",
    "anchor_quote",
)
# The anchor's refusals (named as the API names them) shown beside the page's own fields.
ANCHOR_SPOTS = {
    "anchor.element_key": "element_key",
    "anchor.quote": "anchor_quote",
    "quote": "anchor_quote",
}


def _parts(session: Session, *, policy: Policy) -> dict[str, list[TextElement]]:
    """Return, by Pasal, the parts (ayat, huruf, angka) of the consulted version an input may anchor to."""
    window = current_window(session, policy=policy)
    if window is None:
        return {}
    parts: dict[str, list[TextElement]] = {}
    for e in elements_of(session=session, version_id=window.version_id):
        if e.key != e.clause_key:  # the Pasal itself is the form's "whole clause"
            parts.setdefault(e.clause_key, []).append(e)
    return parts


def _inputs_context(session: Session, *, actor: Actor, slug: str) -> dict[str, object]:
    policy = get_policy(session, slug=slug)
    offline.require_officer(actor, policy=policy)
    window = current_window(session, policy=policy)
    clauses = clauses_of(session, version_id=window.version_id) if window is not None else []
    return {
        "policy": policy,
        "clauses": clauses,
        "parts": _parts(session, policy=policy),
        # Moderators record inputs but the workshops are the unit's: no button they may not press.
        "can_convert": offline.may_convert_outcomes(actor, policy=policy),
        "sources": RECORDED,
        "groups": list(StakeholderGroup),
        "stances": list(Stance),
        "recorded": [
            (
                c,
                o,
                offline.attribution(c, origin=o, locale="id"),
                offline.attribution(c, origin=o, locale="en"),
            )
            for c, o in recorded_inputs(session, policy=policy)
        ],
    }


@router.get("/policies/{slug}/offline-inputs", name="offline_inputs")
def inputs_page(
    slug: str,
    request: Request,
    session: PageReadSessionDep,
    actor: PageActorDep,
    recorded: int = 0,
    converted: int = -1,
) -> Response:
    """Show the officer's form for an input heard or received offline, and the inputs recorded so far."""
    context = _inputs_context(session, actor=signed_in(actor), slug=slug)
    context.update(just_recorded=recorded, converted=converted)
    return render(request, "web/offline_inputs.html", context)


def _anchor_of(values: dict[str, str], *, parts: dict[str, list[TextElement]]) -> AnchorRequest | None:
    """Return the part or quote chosen (None for the whole Pasal); a part chosen names its own Pasal."""
    if not values["element_key"] and not values["anchor_quote"]:
        return None
    for clause_key, elements in parts.items():
        if any(e.key == values["element_key"] for e in elements):
            values["clause_key"] = clause_key
    return AnchorRequest(element_key=values["element_key"] or None, quote=values["anchor_quote"])


def _given(form: FormData, *, parts: dict[str, list[TextElement]]) -> OfflineInput:
    values = {name: str(form.get(name, "")) for name in INPUT_FIELDS}
    anchor = _anchor_of(values, parts=parts)
    try:
        on = date.fromisoformat(values["occasion_on"])
    except ValueError as exc:
        raise InvalidInput(
            "Isi tanggal penyampaian.", en="Give the date it was given.", field="occasion_on"
        ) from exc
    if values["source"] not in {s.value for s in RECORDED}:
        raise InvalidInput(
            "Pilih salurannya: lisan, formulir kertas atau surat.",
            en="Choose the channel: oral, paper form or letter.",
            field="source",
        )
    return OfflineInput(
        clause_key=values["clause_key"],
        body=values["body"],
        source=CommentSource(values["source"]),
        attributed_to=values["attributed_to"],
        occasion=values["occasion"],
        occasion_on=on,
        author_group=values["author_group"] or StakeholderGroup.PUBLIC.value,
        stance=Stance(values["stance"]) if values["stance"] in {s.value for s in Stance} else Stance.NEUTRAL,
        contact_email=values["contact_email"],
        contact_nip=values["contact_nip"],
        anchor=anchor,
    )


@router.post("/policies/{slug}/offline-inputs", name="offline_input_record")
async def record_input(
    slug: str,
    request: Request,
    form: FormDep,
    session: SessionDep,
    actor: PageActorDep,
    settings: SettingsDep,
) -> Response:
    """Record an input heard or received offline, with its scan when one is chosen."""
    # The role first: a form from someone who may not record is refused as such, whatever it holds.
    offline.require_officer(signed_in(actor), policy=get_policy(session, slug=slug))
    parts = _parts(session, policy=get_policy(session, slug=slug))
    upload = form.get("scan")
    content = await upload.read() if isinstance(upload, UploadFile) and upload.filename else b""
    try:
        made = offline.record_offline_input(
            session,
            actor=signed_in(actor),
            slug=slug,
            given=_given(form, parts=parts),
            rules=CommentRules.of(settings),
        )
        if content:
            scans.attach_scan(
                session,
                actor=actor,
                slug=slug,
                comment_id=made.id,  # type: ignore[arg-type]
                content=content,
                filename=upload.filename or "",  # type: ignore[union-attr]
                public=str(form.get("scan_public", "")) == "1",
                settings=settings,
            )
    except REFUSED as exc:
        session.rollback()
        context = _inputs_context(session, actor=signed_in(actor), slug=slug)
        context.update(
            values={name: str(form.get(name, "")) for name in INPUT_FIELDS},
            errors=errors_on(
                exc,
                locale=locale_of(request),
                fields={**{f: f for f in (*INPUT_FIELDS, "scan")}, **ANCHOR_SPOTS},
            ),
            just_recorded=0,
            converted=-1,
        )
        return render(request, "web/offline_inputs.html", context, status_code=status_of(exc))
    return redirect(request, f"/policies/{slug}/offline-inputs?recorded={made.id}#input-{made.id}")


@router.post("/policies/{slug}/offline-inputs/workshops", name="offline_inputs_workshops")
def convert_workshops(
    slug: str, request: Request, form: FormDep, session: SessionDep, actor: PageActorDep
) -> Response:
    """Enter the cycle's clause-linked workshop outcomes as inputs (again: nothing new)."""
    try:
        done = offline.workshop_inputs(session, actor=signed_in(actor), slug=slug)
    except (InvalidInput, Conflict, NotFound) as exc:
        session.rollback()
        context = _inputs_context(session, actor=signed_in(actor), slug=slug)
        context.update(errors={"workshops": errors_of(exc, locale=locale_of(request)).popitem()[1]})
        context.update(just_recorded=0, converted=-1)
        return render(request, "web/offline_inputs.html", context, status_code=status_of(exc))
    return redirect(request, f"/policies/{slug}/offline-inputs?converted={sum(c.created for c in done)}")


@router.get("/policies/{slug}/scans/{comment_id}", name="scan")
def scan(
    slug: str, comment_id: IdPath, session: PageReadSessionDep, actor: PageActorDep, settings: SettingsDep
) -> Response:
    """Send a scan to whom may open it (staff; others a public scan of a visible comment)."""
    found = scans.read_scan(session, viewer=actor, slug=slug, comment_id=comment_id, settings=settings)
    return FileResponse(
        found.path,
        media_type=found.media_type,
        filename=found.name,
        content_disposition_type="attachment",
        headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"},
    )
