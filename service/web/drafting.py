"""Pages of the draft: reading a version, comparing it with the one before, editing and publishing."""

from __future__ import annotations

from itertools import groupby

from fastapi import APIRouter, Request
from starlette.responses import Response

from policies.accounts.access import Actor, require_owner
from policies.consultation import anchors, threads
from policies.consultation import queries as consultation_queries
from policies.consultation.models import Stance
from policies.consultation.windows import open_for_version
from policies.core.db import utcnow
from policies.core.errors import (
    Conflict,
    InvalidInput,
)
from policies.drafting import queries as drafting_queries
from policies.drafting.clauses import parse_draft, with_keys
from policies.drafting.display import legal_html, readable_changes
from policies.drafting.element_display import readable_element_changes, structured_by_clause
from policies.drafting.elements import shown_elements
from policies.drafting.models import DraftVersion
from policies.drafting.reading import is_owner, readable_version, visible_versions
from policies.drafting.structure import parse_structure
from policies.drafting.versions import (
    BODY_FIELD,
    CHANGE_NOTE_FIELD,
    TITLE_FIELD,
    diff_version_elements,
    diff_versions,
    discard_version,
    edit_version,
    publish_version,
    write_draft,
)
from policies.lifecycle import queries
from policies.lifecycle.models import Policy
from service.api.drafting import VersionCreate
from service.api.params import IdPath
from service.deps import SessionDep
from service.problems import status_of
from service.web.confirm import ask_first, confirmed
from service.web.forms import PageForm
from service.web.render import (
    FormDep,
    PageActorDep,
    PageReadSessionDep,
    PageRoute,
    gettext,
    message_of,
    redirect,
    render,
    signed_in,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _draft_context(session: PageReadSessionDep, policy: Policy, version: DraftVersion) -> dict[str, object]:
    clauses = drafting_queries.clauses_of(session, version_id=version.id)  # type: ignore[arg-type]
    window = consultation_queries.current_window(session, policy=policy)
    return {
        "policy": policy,
        "version": version,
        "chapters": [(chapter, list(items)) for chapter, items in groupby(clauses, key=lambda c: c.chapter)],
        "counts": threads.clause_comment_counts(session, version_id=version.id),  # type: ignore[arg-type]
        # Each clause's ayat, huruf and angka as nested items anchored by their eId.
        "structured": structured_by_clause(shown_elements(session=session, version_id=version.id)),  # type: ignore[arg-type]
        "window": window,
        "can_comment": open_for_version(window, version_id=version.id, now=utcnow()),
        "stances": list(Stance),
        "has_previous": version.number > 1,
        # Comments whose Pasal this version removed have no clause page here: they are listed below.
        "carried": anchors.carried_comments(session, version_id=version.id, orphaned=True),  # type: ignore[arg-type]
    }


@router.get("/policies/{slug}/versions/{number}", name="draft")
def draft_page(
    slug: str, number: IdPath, request: Request, session: PageReadSessionDep, actor: PageActorDep
) -> Response:
    """Show a version chapter by chapter, each clause with its comment count and a comment form."""
    policy, version = readable_version(session, actor=actor, slug=slug, number=number)
    return render(request, "web/draft.html", _draft_context(session, policy, version))


@router.get("/policies/{slug}/versions/{number}/diff", name="diff")
def diff_page(
    slug: str, number: IdPath, request: Request, session: PageReadSessionDep, actor: PageActorDep
) -> Response:
    """Compare a version with the one before it, clause by clause."""
    policy, version = readable_version(session, actor=actor, slug=slug, number=number)
    if number < 2:
        raise InvalidInput(
            "Versi pertama tidak memiliki versi sebelumnya untuk dibandingkan.",
            en="The first version has no earlier version to compare with.",
            field="number",
        )
    # The earlier text is shown too, so it must be readable as well.
    readable_version(session, actor=actor, slug=slug, number=number - 1)
    changes = diff_versions(session, slug=slug, old=number - 1, new=number)
    parts = diff_version_elements(session, slug=slug, old=number - 1, new=number)
    return render(
        request,
        "web/diff.html",
        {
            "policy": policy,
            "version": version,
            "changes": readable_changes(changes),
            "elements": readable_element_changes(parts),
        },
    )


@router.get("/policies/{slug}/edit", name="edit_draft")
def edit_form(slug: str, request: Request, session: PageReadSessionDep, actor: PageActorDep) -> Response:
    """Show the latest version's Markdown (clause keys written in) ready to edit."""
    policy = queries.get_policy(session, slug=slug)
    require_owner(signed_in(actor), policy=policy)
    latest = drafting_queries.latest_version(session, policy_id=policy.id)  # type: ignore[arg-type]
    body = ""
    if latest is not None:
        keys = [c.key for c in drafting_queries.clauses_of(session, version_id=latest.id)]  # type: ignore[arg-type]
        body = with_keys(latest.body, keys=keys)
    return render(
        request,
        "web/edit.html",
        {
            "policy": policy,
            "latest": latest,
            "target": None,
            "values": {"body": body, "change_note": ""},
            "preview": None,
        },
    )


EDIT_FORM = PageForm(VersionCreate, texts=(BODY_FIELD, CHANGE_NOTE_FIELD, TITLE_FIELD))


@router.post("/policies/{slug}/edit")
def post_edit(
    slug: str, request: Request, form: FormDep, session: SessionDep, actor: PageActorDep
) -> Response:
    """Preview the Markdown, or save it as a new version."""
    me = signed_in(actor)
    policy = queries.get_policy(session, slug=slug)
    values = {"body": str(form.get("body", "")), "change_note": str(form.get("change_note", ""))}
    latest = drafting_queries.latest_version(session, policy_id=policy.id)  # type: ignore[arg-type]
    context: dict[str, object] = {
        "policy": policy,
        "latest": latest,
        "target": None,
        "values": values,
        "preview": None,
    }
    try:
        if "preview" in form:
            require_owner(me, policy=policy)
            parsed = parse_draft(EDIT_FORM.parse(form).body)
            parse_structure(body=EDIT_FORM.parse(form).body)  # the preview names a broken rule too
            context["preview"] = [(c, legal_html(c.body)) for c in parsed.clauses]
            return render(request, "web/edit.html", context)
        # The working version (unpublished) takes the text; a published one is followed by a new one.
        version = write_draft(session, actor=me, slug=slug, **EDIT_FORM.parse(form).model_dump())
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        context["errors"] = {(getattr(exc, "field", None) or "body"): message_of(request, exc)}
        return render(request, "web/edit.html", context, status_code=422)
    return redirect(request, f"/policies/{slug}/versions/{version.number}")


@router.post("/policies/{slug}/versions/{number}/publish", name="publish")
def post_publish(
    slug: str, number: IdPath, request: Request, form: FormDep, session: SessionDep, actor: PageActorDep
) -> Response:
    """Publish (freeze) a version, after its confirmation page."""
    publish_version(session, actor=signed_in(actor), slug=slug, number=number)
    if not confirmed(form):
        # Freezing is for good: the domain accepted it, the person confirms it before it is kept.
        _ = gettext(request)
        return ask_first(
            request,
            session,
            title=_("Publish version %(n)d?") % {"n": number},
            consequence=_(
                "A published version is frozen: its text can no longer be edited, and it may be "
                "put to public consultation."
            ),
            action=f"/policies/{slug}/versions/{number}/publish",
            fields={},
            button=_("Yes, publish version %(n)d") % {"n": number},
            back=f"/policies/{slug}/cockpit#versions",
        )
    return redirect(request, f"/policies/{slug}/cockpit")


@router.get("/policies/{slug}/versions", name="versions")
def versions_page(slug: str, request: Request, session: PageReadSessionDep, actor: PageActorDep) -> Response:
    """List the versions the visitor may read; an owner edits, publishes or discards unpublished ones."""
    policy = queries.get_policy(session, slug=slug)
    versions = drafting_queries.list_versions(session, policy_id=policy.id)  # type: ignore[arg-type]
    shown = visible_versions(versions, actor=actor, policy=policy)
    discarded = request.query_params.get("discarded", "")
    return render(
        request,
        "web/versions.html",
        {
            "policy": policy,
            "versions": list(reversed(shown)),
            "newest": versions[-1].number if versions else 0,
            "can_edit": is_owner(actor, policy=policy),
            "discarded": int(discarded) if discarded.isdigit() and len(discarded) < 10 else None,
        },
    )


def _owned_unpublished(
    session: PageReadSessionDep, *, actor: Actor | None, slug: str, number: int
) -> tuple[Policy, DraftVersion]:
    policy = queries.get_policy(session, slug=slug)
    require_owner(signed_in(actor), policy=policy)
    version = drafting_queries.get_version(session, policy_id=policy.id, number=number)  # type: ignore[arg-type]
    if version.published_at is not None:
        raise Conflict(
            f"Versi {number} sudah diterbitkan dan tidak dapat diubah atau dibuang: tulis versi baru.",
            en=f"Version {number} is published and can be neither edited nor discarded: write a new version.",
        )
    return policy, version


@router.get("/policies/{slug}/versions/{number}/edit", name="edit_version")
def edit_version_form(
    slug: str, number: IdPath, request: Request, session: PageReadSessionDep, actor: PageActorDep
) -> Response:
    """Show an unpublished version's Markdown (clause keys written in) ready to edit in place."""
    policy, version = _owned_unpublished(session, actor=actor, slug=slug, number=number)
    keys = [c.key for c in drafting_queries.clauses_of(session, version_id=version.id)]  # type: ignore[arg-type]
    values = {"body": with_keys(version.body, keys=keys), "change_note": version.change_note}
    return render(
        request,
        "web/edit.html",
        {"policy": policy, "latest": version, "target": version, "values": values, "preview": None},
    )


@router.post("/policies/{slug}/versions/{number}/edit")
def post_edit_version(
    slug: str, number: IdPath, request: Request, form: FormDep, session: SessionDep, actor: PageActorDep
) -> Response:
    """Preview the Markdown, or save it into the unpublished version."""
    me = signed_in(actor)
    policy = queries.get_policy(session, slug=slug)
    require_owner(me, policy=policy)
    version = drafting_queries.get_version(session, policy_id=policy.id, number=number)  # type: ignore[arg-type]
    values = {"body": str(form.get("body", "")), "change_note": str(form.get("change_note", ""))}
    context: dict[str, object] = {
        "policy": policy,
        "latest": version,
        "target": version,
        "values": values,
        "preview": None,
    }
    try:
        if "preview" in form:
            parsed = parse_draft(EDIT_FORM.parse(form).body)
            parse_structure(body=EDIT_FORM.parse(form).body)  # the preview names a broken rule too
            context["preview"] = [(c, legal_html(c.body)) for c in parsed.clauses]
            return render(request, "web/edit.html", context)
        edit_version(session, actor=me, slug=slug, number=number, **EDIT_FORM.parse(form).model_dump())
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        context["errors"] = {(getattr(exc, "field", None) or "body"): message_of(request, exc)}
        return render(request, "web/edit.html", context, status_code=status_of(exc))
    return redirect(request, f"/policies/{slug}/versions/{number}")


def _confirm(
    request: Request, session: PageReadSessionDep, actor: Actor | None, *, slug: str, number: int, step: str
) -> Response:
    policy, version = _owned_unpublished(session, actor=actor, slug=slug, number=number)
    return render(request, "web/version_confirm.html", {"policy": policy, "version": version, "step": step})


@router.get("/policies/{slug}/versions/{number}/publish", name="confirm_publish")
def confirm_publish(
    slug: str, number: IdPath, request: Request, session: PageReadSessionDep, actor: PageActorDep
) -> Response:
    """Ask before a version is published: a published text is frozen for good."""
    return _confirm(request, session, actor, slug=slug, number=number, step="publish")


@router.get("/policies/{slug}/versions/{number}/discard", name="confirm_discard")
def confirm_discard(
    slug: str, number: IdPath, request: Request, session: PageReadSessionDep, actor: PageActorDep
) -> Response:
    """Ask before an unpublished version is discarded: its text is gone for good."""
    return _confirm(request, session, actor, slug=slug, number=number, step="discard")


@router.post("/policies/{slug}/versions/{number}/discard", name="discard")
def post_discard(
    slug: str, number: IdPath, request: Request, form: FormDep, session: SessionDep, actor: PageActorDep
) -> Response:
    """Discard the newest unpublished version."""
    discard_version(session, actor=signed_in(actor), slug=slug, number=number)
    return redirect(request, f"/policies/{slug}/versions?discarded={number}")
