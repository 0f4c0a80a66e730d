"""Pages for "this was not me" (the reader's form, the email link's confirmation, the moderators'
review queue) and for comments sent on behalf of signatories."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlmodel import Session
from starlette.datastructures import UploadFile
from starlette.responses import Response

from policies.accounts.access import Actor
from policies.consultation import behalf, disavowal
from policies.consultation.comments import CommentRules
from policies.consultation.models import Stance
from policies.consultation.queries import current_window
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
