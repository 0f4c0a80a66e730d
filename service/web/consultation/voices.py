"""Pages for offline inputs (the officer's form, the scan), "this was not me" (the reader's form, the
email link's confirmation, the moderators' review queue)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse
from sqlmodel import Session
from starlette.datastructures import FormData, UploadFile
from starlette.responses import Response

from policies.accounts.access import Actor
from policies.accounts.models import StakeholderGroup
from policies.consultation import behalf, disavowal, offline, scans
from policies.consultation.comments import CommentRules
from policies.consultation.models import CommentSource, Stance
from policies.consultation.offline import RECORDED, OfflineInput
from policies.consultation.queries import current_window
from policies.consultation.queries.voices import recorded_inputs
from policies.consultation.register import comment_of
from policies.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, RateLimited
from policies.drafting.queries import clauses_of, versions_by_id
from policies.lifecycle.queries import get_policy
from service.api.params import IdPath
from service.deps import SessionDep, SettingsDep
from service.problems import status_of
from service.secret_key import ensure_secret_key
from service.web.consultation.thread import THREAD
from service.web.forms import errors_of
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
)


def _inputs_context(session: Session, *, actor: Actor, slug: str) -> dict[str, object]:
    policy = get_policy(session, slug=slug)
    offline.require_officer(actor, policy=policy)
    window = current_window(session, policy=policy)
    clauses = clauses_of(session, version_id=window.version_id) if window is not None else []
    return {
        "policy": policy,
        "clauses": clauses,
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


def _given(form: FormData) -> OfflineInput:
    values = {name: str(form.get(name, "")) for name in INPUT_FIELDS}
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
    upload = form.get("scan")
    content = await upload.read() if isinstance(upload, UploadFile) and upload.filename else b""
    try:
        made = offline.record_offline_input(
            session, actor=signed_in(actor), slug=slug, given=_given(form), rules=CommentRules.of(settings)
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
            errors=errors_of(exc, locale=locale_of(request)),
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


def _not_me_context(session: Session, *, slug: str, comment_id: int) -> dict[str, object]:
    policy = get_policy(session, slug=slug)
    comment = comment_of(session, policy=policy, comment_id=comment_id)
    version = versions_by_id(session, version_ids={comment.version_id})[comment.version_id]
    return {
        "policy": policy,
        "comment": comment,
        "thread": THREAD.format(slug=slug, number=version.number, key=comment.clause_key),
        "sent": False,
    }


@router.get("/policies/{slug}/comments/{comment_id}/not-me", name="not_me_form")
def not_me_page(slug: str, comment_id: IdPath, request: Request, session: PageReadSessionDep) -> Response:
    """Show the form to report that a comment in one's name was not one's own (no account needed)."""
    return render(request, "web/not_me_form.html", _not_me_context(session, slug=slug, comment_id=comment_id))


@router.post("/policies/{slug}/comments/{comment_id}/not-me", name="not_me")
def not_me(slug: str, comment_id: IdPath, request: Request, form: FormDep, session: SessionDep) -> Response:
    """Report it; the answer is the same whether or not the email or NIP matched."""
    values = {name: str(form.get(name, "")) for name in ("email", "nip", "statement")}
    try:
        disavowal.report_not_me(session, slug=slug, comment_id=comment_id, **values)
    except (InvalidInput, NotFound) as exc:
        session.rollback()
        context = _not_me_context(session, slug=slug, comment_id=comment_id)
        context.update(values=values, errors=errors_of(exc, locale=locale_of(request)))
        return render(request, "web/not_me_form.html", context, status_code=status_of(exc))
    context = _not_me_context(session, slug=slug, comment_id=comment_id)
    context.update(sent=True)
    return render(request, "web/not_me_form.html", context)


@router.get("/bukan-saya", name="not_me_confirm")
def confirm_page(request: Request, token: str = "") -> Response:
    """Ask the address's owner to confirm (a link opened by a mail scanner changes nothing)."""
    return render(request, "web/not_me.html", {"token": token[:500], "done": None, "login_next": False})


@router.post("/bukan-saya", name="not_me_confirmed")
def confirm(request: Request, form: FormDep, session: SessionDep, settings: SettingsDep) -> Response:
    """Confirm the report: the comment is hidden pending a moderator's review."""
    token = str(form.get("token", ""))[:500]
    try:
        done = disavowal.confirm_not_me(session, token=token, secret=ensure_secret_key(settings))
    except InvalidInput as exc:
        session.rollback()
        context = {
            "token": token,
            "done": None,
            "login_next": False,
            "errors": errors_of(exc, locale=locale_of(request)),
        }
        return render(request, "web/not_me.html", context, status_code=status_of(exc))
    return render(request, "web/not_me.html", {"token": "", "done": done, "login_next": False})


def _queue_context(session: Session, actor: Actor | None) -> dict[str, object]:
    me = signed_in(actor)
    pending = disavowal.review_queue(session, actor=me, slug=None)
    reviewed = [
        row
        for row in disavowal.review_queue(session, actor=me, slug=None, all_states=True)
        if row[0].reviewed_at is not None
    ][-20:]
    # The thread a comment is on is named by its version's number.
    versions = versions_by_id(session, version_ids={c.version_id for _, c, _ in pending})
    return {"pending": pending, "reviewed": reviewed, "numbers": {k: v.number for k, v in versions.items()}}


@router.get("/moderation/not-me", name="not_me_queue")
def queue(request: Request, session: PageReadSessionDep, actor: PageActorDep) -> Response:
    """List the confirmed "not me" reports awaiting review, and the latest reviews."""
    return render(request, "web/not_me_queue.html", _queue_context(session, actor))


@router.post("/moderation/not-me/{slug}/{report_id}", name="not_me_review")
def review(
    slug: str, report_id: IdPath, request: Request, form: FormDep, session: SessionDep, actor: PageActorDep
) -> Response:
    """Record the review: upheld keeps the comment hidden, rejected shows it again."""
    verdict = str(form.get("verdict", ""))
    try:
        if verdict not in ("upheld", "rejected"):
            raise InvalidInput(
                "Pilih hasil peninjauan: dikabulkan atau ditolak.",
                en="Choose the review's outcome: upheld or rejected.",
                field="verdict",
            )
        disavowal.review_not_me(
            session,
            actor=signed_in(actor),
            slug=slug,
            disavowal_id=report_id,
            upheld=verdict == "upheld",
            reason=str(form.get("reason", "")),
        )
    except (InvalidInput, Conflict, NotFound) as exc:
        session.rollback()
        context = _queue_context(session, actor)
        context.update(
            errors={f"review-{report_id}": errors_of(exc, locale=locale_of(request)).popitem()[1]},
            values={f"review-{report_id}": str(form.get("reason", ""))},
        )
        return render(request, "web/not_me_queue.html", context, status_code=status_of(exc))
    return redirect(request, f"/moderation/not-me#reviewed-{report_id}")


BEHALF_FIELDS = ("clause_key", "organisation", "stance", "body", "signatories")


def _behalf_context(session: Session, *, slug: str) -> dict[str, object]:
    policy = get_policy(session, slug=slug)
    window = current_window(session, policy=policy)
    return {
        "policy": policy,
        "clauses": clauses_of(session, version_id=window.version_id) if window is not None else [],
        "stances": list(Stance),
    }


@router.get("/policies/{slug}/on-behalf", name="on_behalf")
def behalf_page(slug: str, request: Request, session: PageReadSessionDep, actor: PageActorDep) -> Response:
    """Show the form for one comment sent on behalf of signatories."""
    signed_in(actor)
    return render(request, "web/on_behalf.html", _behalf_context(session, slug=slug))


@router.post("/policies/{slug}/on-behalf", name="on_behalf_send")
async def behalf_send(
    slug: str,
    request: Request,
    form: FormDep,
    session: SessionDep,
    actor: PageActorDep,
    settings: SettingsDep,
) -> Response:
    """Send the comment with its list of signatories (a CSV file, or the names typed one a line)."""
    values = {name: str(form.get(name, "")) for name in BEHALF_FIELDS}
    upload = form.get("signatories_file")
    listed = values["signatories"]
    try:
        if isinstance(upload, UploadFile) and upload.filename:
            try:
                listed = (await upload.read()).decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise InvalidInput(
                    "Berkas CSV harus berenkode UTF-8.",
                    en="The CSV file must be encoded as UTF-8.",
                    field="signatories",
                ) from exc
        made, _ = behalf.comment_on_behalf(
            session,
            actor=signed_in(actor),
            slug=slug,
            clause_key=values["clause_key"],
            body=values["body"],
            organisation=values["organisation"],
            signatories=listed,
            stance=Stance(values["stance"])
            if values["stance"] in {s.value for s in Stance}
            else Stance.NEUTRAL,
            rules=CommentRules.of(settings),
        )
    except (*REFUSED, RateLimited) as exc:
        session.rollback()
        context = _behalf_context(session, slug=slug)
        context.update(values=values, errors=errors_of(exc, locale=locale_of(request)))
        return render(request, "web/on_behalf.html", context, status_code=status_of(exc))
    version = versions_by_id(session, version_ids={made.version_id})[made.version_id]
    thread = THREAD.format(slug=slug, number=version.number, key=made.clause_key)
    return redirect(request, f"{thread}?sent={made.id}#comment-{made.id}")


@router.get("/policies/{slug}/comments/{comment_id}/signatories", name="signatories")
def signatories_page(
    slug: str, comment_id: IdPath, request: Request, session: PageReadSessionDep, actor: PageActorDep
) -> Response:
    """Show the list of signatories of a comment sent on their behalf (moderators and admins)."""
    row = behalf.signatories_of(session, actor=signed_in(actor), slug=slug, comment_id=comment_id)
    return render(
        request,
        "web/signatories.html",
        {"policy": get_policy(session, slug=slug), "row": row, "names": row.signatories.splitlines()},
    )
