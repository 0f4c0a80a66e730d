"""The follow-up forms of the survey rounds page: record a plan for a weak unsur, move it on to done."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from policies.core.errors import DomainError, NotFound
from policies.evaluation.followup import plans
from service.api.evaluation.followup import FollowUpIn, FollowUpPatch
from service.deps import SessionDep, SettingsDep
from service.web.evaluation.rounds import _refused, _round_of, rounds_path, staff
from service.web.forms import PageForm, form_id, text
from service.web.render import FormDep, PageActorDep, PageRoute, redirect

router = APIRouter(route_class=PageRoute, include_in_schema=False)
PLAN_FORM = PageForm(
    FollowUpIn,
    refusals={
        "due_on": ("Isi tenggat dengan tanggal.", "Fill in the due date."),
        "subject": (
            "Formulir ini tidak menyebut unsur atau indikator.",
            "This form names no unsur or indicator.",
        ),
        "code": (
            "Formulir ini tidak menyebut unsur atau indikator.",
            "This form names no unsur or indicator.",
        ),
    },
    texts=(
        text("action", "Rencana tindak lanjut", "The follow-up action", blank=plans.ACTION_FIELD.blank),
        text("owner_unit", "Unit penanggung jawab", "The owner unit", blank=plans.OWNER_FIELD.blank),
    ),
)
PROGRESS_FORM = PageForm(
    FollowUpPatch,
    refusals={"status": ("Pilih kemajuan dari daftar.", "Choose the progress from the list.")},
    texts=(text("done_note", "Yang telah dilakukan", "What was done"),),
)


@router.post("/policies/{slug}/evaluation/followup", name="evaluation_followup")
def record_plan(
    slug: str,
    request: Request,
    form: FormDep,
    session: SessionDep,
    actor: PageActorDep,
    settings: SettingsDep,
) -> Response:
    """Record a follow-up plan for a weak unsur or indicator of one of the policy's closed rounds."""
    policy, me = staff(session, slug=slug, actor=actor)
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    round_id = form_id(form, "round_id")
    shown: dict[str, Any] = {
        "action": "followup",
        "round_id": round_id,
        "key": f"{values.get('subject', '')}-{values.get('code', '')}",
    }
    try:
        _round_of(session, policy=policy, form=form)
        payload = PLAN_FORM.parse(form)
        plans.create_item(session, actor=me, round_id=round_id, **payload.model_dump())
    except DomainError as exc:
        fields = frozenset({"action", "owner_unit", "due_on"})
        return _refused(
            request,
            session,
            exc,
            policy=policy,
            actor=me,
            form=shown,
            values=values,
            tz=settings.timezone,
            fields=fields,
        )
    return redirect(request, f"{rounds_path(slug)}#followup-{round_id}")


@router.post("/policies/{slug}/evaluation/followup/update", name="evaluation_followup_update")
def update_plan(
    slug: str,
    request: Request,
    form: FormDep,
    session: SessionDep,
    actor: PageActorDep,
    settings: SettingsDep,
) -> Response:
    """Move a follow-up plan on (planned, in progress, done with what was done)."""
    policy, me = staff(session, slug=slug, actor=actor)
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    item_id = form_id(form, "item_id")
    round_id = 0
    try:
        item = plans.get_item(session, item_id=item_id)
        if item.policy_id != policy.id:
            raise NotFound(
                "Rencana tindak lanjut ini bukan milik kebijakan ini: muat ulang halaman lalu coba lagi.",
                en="This follow-up item is not one of this policy's: reload the page and try again.",
            )
        round_id = item.round_id
        changes = PROGRESS_FORM.parse(form).model_dump(exclude_none=True)
        plans.update_item(session, actor=me, item_id=item_id, changes=changes)
    except DomainError as exc:
        return _refused(
            request,
            session,
            exc,
            policy=policy,
            actor=me,
            form={"action": "followup-update", "item_id": item_id},
            values=values,
            tz=settings.timezone,
            fields=frozenset({"status", "done_note"}),
        )
    return redirect(request, f"{rounds_path(slug)}#followup-{round_id}")
