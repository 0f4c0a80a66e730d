"""Pages for everyone: home, a policy, reading a draft, a clause's thread, commenting, my comments."""

from __future__ import annotations

from itertools import groupby

from fastapi import APIRouter, Request
from starlette.responses import Response

from policies import overview, queries, threads
from policies.actions.comments import create_comment, create_reply
from policies.actions.drafts import diff_versions
from policies.actions.rollout import acknowledge
from policies.db import utcnow
from policies.errors import Conflict, InvalidInput, RateLimited
from policies.evaluation.views import rounds_page
from policies.lifecycle import allowed_targets
from policies.models import ConsultationWindow, DraftVersion, Policy, Stage, Stance
from service.deps import SessionDep, SettingsDep
from service.web.render import (
    FormDep,
    PageActorDep,
    PageReadSessionDep,
    PageRoute,
    message_of,
    redirect,
    render,
    signed_in,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)

# The lifecycle's main road, drawn as the policy page's timeline.
ROAD = [
    Stage.DRAFTING,
    Stage.WORKSHOP,
    Stage.CONSULTATION,
    Stage.SOCIALIZATION,
    Stage.EVALUATION,
    Stage.REVISION,
]


def window_is_open(window: ConsultationWindow | None) -> bool:
    """Tell whether a window accepts comments now."""
    now = utcnow()
    return window is not None and window.closed_at is None and window.opens_at <= now < window.closes_at


@router.get("/", name="home")
def home(request: Request, session: PageReadSessionDep, actor: PageActorDep) -> Response:
    """Show what is open for comment, recently adopted and under evaluation."""
    now = utcnow()
    return render(
        request,
        "web/home.html",
        {
            "open": overview.open_consultations(session, now=now),
            "adopted": overview.recently_adopted(session),
            "evaluating": overview.under_evaluation(session),
        },
    )


def _timeline(session: PageReadSessionDep, policy: Policy) -> list[dict[str, object]]:
    history = queries.stage_history(session, policy_id=policy.id)  # type: ignore[arg-type]
    entered = {}
    for event in history:
        if event.cycle == policy.cycle or event.to_stage == Stage.REVISION:
            entered[Stage(event.to_stage)] = event.at
    current = Stage(policy.stage)
    upcoming = set(allowed_targets(from_stage=current))
    steps = []
    for stage in ROAD:
        state = "current" if stage == current else ("done" if stage in entered else "later")
        if state == "later" and stage in upcoming:
            state = "next"
        steps.append({"stage": stage, "state": state, "at": entered.get(stage)})
    return steps


@router.get("/policies/{slug}", name="policy")
def policy_page(slug: str, request: Request, session: PageReadSessionDep, actor: PageActorDep) -> Response:
    """Show a policy: kind, unit, its stage timeline and the adopted instrument."""
    policy = queries.get_policy(session, slug=slug)
    adoption = queries.latest_adoption(session, policy_id=policy.id)  # type: ignore[arg-type]
    acknowledged = bool(
        actor
        and actor.id
        and adoption
        and overview.has_acknowledged(session, policy_id=policy.id, account_id=actor.id)  # type: ignore[arg-type]
    )
    window = queries.current_window(session, policy=policy)
    return render(
        request,
        "web/policy.html",
        {
            "policy": policy,
            "kind": queries.get_kind(session, kind_id=policy.kind_id),
            "timeline": _timeline(session, policy),
            "next_stages": allowed_targets(from_stage=Stage(policy.stage)),
            "adoption": adoption,
            "acknowledged": acknowledged,
            "versions": queries.list_versions(session, policy_id=policy.id),  # type: ignore[arg-type]
            "window": window,
            "window_open": window_is_open(window),
            "history": queries.stage_history(session, policy_id=policy.id),  # type: ignore[arg-type]
            "rounds": rounds_page(session, slug=slug),
        },
    )


def _draft_context(session: PageReadSessionDep, policy: Policy, version: DraftVersion) -> dict[str, object]:
    clauses = queries.clauses_of(session, version_id=version.id)  # type: ignore[arg-type]
    window = queries.current_window(session, policy=policy)
    return {
        "policy": policy,
        "version": version,
        "chapters": [(chapter, list(items)) for chapter, items in groupby(clauses, key=lambda c: c.chapter)],
        "counts": threads.clause_comment_counts(session, version_id=version.id),  # type: ignore[arg-type]
        "window": window,
        "can_comment": window_is_open(window) and window is not None and window.version_id == version.id,
        "stances": list(Stance),
        "has_previous": version.number > 1,
    }


@router.get("/policies/{slug}/versions/{number}", name="draft")
def draft_page(
    slug: str, number: int, request: Request, session: PageReadSessionDep, actor: PageActorDep
) -> Response:
    """Show a version chapter by chapter, each clause with its comment count and a comment form."""
    policy = queries.get_policy(session, slug=slug)
    version = queries.get_version(session, policy_id=policy.id, number=number)  # type: ignore[arg-type]
    return render(request, "web/draft.html", _draft_context(session, policy, version))


def _thread_context(
    session: PageReadSessionDep, policy: Policy, version: DraftVersion, key: str
) -> dict[str, object]:
    clause = next((c for c in queries.clauses_of(session, version_id=version.id) if c.key == key), None)  # type: ignore[arg-type]
    if clause is None:
        from policies.errors import NotFound

        raise NotFound(f"Pasal '{key}' tidak ada pada versi {version.number}.")
    window = queries.current_window(session, policy=policy)
    return {
        "policy": policy,
        "version": version,
        "clause": clause,
        "thread": threads.clause_thread(session, version_id=version.id, clause_key=key),  # type: ignore[arg-type]
        "can_comment": window_is_open(window) and window is not None and window.version_id == version.id,
        "stances": list(Stance),
        "reply_enabled": True,
    }


@router.get("/policies/{slug}/versions/{number}/clauses/{key}", name="thread")
def thread_page(
    slug: str, number: int, key: str, request: Request, session: PageReadSessionDep, actor: PageActorDep
) -> Response:
    """Show one clause with its comments, their replies and the drafter's answers."""
    policy = queries.get_policy(session, slug=slug)
    version = queries.get_version(session, policy_id=policy.id, number=number)  # type: ignore[arg-type]
    return render(request, "web/thread.html", _thread_context(session, policy, version, key))


@router.post("/policies/{slug}/versions/{number}/clauses/{key}/comments", name="comment")
def post_comment(
    slug: str,
    number: int,
    key: str,
    request: Request,
    form: FormDep,
    session: SessionDep,
    actor: PageActorDep,
    settings: SettingsDep,
) -> Response:
    """Send a comment on a clause; on a refusal the form comes back with what was typed."""
    actor = signed_in(actor)
    body = str(form.get("body", ""))
    stance_text = str(form.get("stance", Stance.NEUTRAL.value))
    values = {"body": body, "stance": stance_text}
    try:
        try:
            stance = Stance(stance_text)
        except ValueError as exc:
            raise InvalidInput("Pilih sikap: setuju, netral atau tidak setuju.", field="stance") from exc
        comment = create_comment(
            session,
            actor=actor,
            slug=slug,
            clause_key=key,
            body=body,
            stance=stance,
            max_chars=settings.comment_max_length,
            per_minute=settings.comments_per_minute,
            campaign_threshold=settings.campaign_threshold,
        )
    except (InvalidInput, RateLimited) as exc:
        session.rollback()
        policy = queries.get_policy(session, slug=slug)
        version = queries.get_version(session, policy_id=policy.id, number=number)  # type: ignore[arg-type]
        context = _thread_context(session, policy, version, key)
        field = getattr(exc, "field", None)
        where = field if field in ("body", "stance") else "form"
        context.update(values=values, errors={where: message_of(request, exc)})
        return render(request, "web/thread.html", context, status_code=422)
    return redirect(request, f"/policies/{slug}/versions/{number}/clauses/{key}#comment-{comment.id}")


@router.post("/policies/{slug}/versions/{number}/clauses/{key}/replies", name="reply")
def post_reply(
    slug: str,
    number: int,
    key: str,
    request: Request,
    form: FormDep,
    session: SessionDep,
    actor: PageActorDep,
    settings: SettingsDep,
) -> Response:
    """Reply to a comment of the open consultation."""
    parent = str(form.get("parent_id", ""))
    try:
        reply = create_reply(
            session,
            actor=signed_in(actor),
            slug=slug,
            parent_id=int(parent) if parent.isdigit() else 0,
            body=str(form.get("body", "")),
            max_chars=settings.comment_max_length,
            per_minute=settings.comments_per_minute,
        )
    except (InvalidInput, RateLimited, Conflict) as exc:
        session.rollback()
        policy = queries.get_policy(session, slug=slug)
        version = queries.get_version(session, policy_id=policy.id, number=number)  # type: ignore[arg-type]
        context = _thread_context(session, policy, version, key)
        context.update(errors={"form": message_of(request, exc)})
        return render(request, "web/thread.html", context, status_code=422)
    return redirect(request, f"/policies/{slug}/versions/{number}/clauses/{key}#comment-{reply.id}")


@router.get("/policies/{slug}/versions/{number}/diff", name="diff")
def diff_page(
    slug: str, number: int, request: Request, session: PageReadSessionDep, actor: PageActorDep
) -> Response:
    """Compare a version with the one before it, clause by clause."""
    policy = queries.get_policy(session, slug=slug)
    version = queries.get_version(session, policy_id=policy.id, number=number)  # type: ignore[arg-type]
    if number < 2:
        raise InvalidInput(
            "Versi pertama tidak memiliki versi sebelumnya untuk dibandingkan.", field="number"
        )
    changes = diff_versions(session, slug=slug, old=number - 1, new=number)
    return render(request, "web/diff.html", {"policy": policy, "version": version, "changes": changes})


@router.post("/policies/{slug}/acknowledge", name="acknowledge")
def post_acknowledge(
    slug: str, request: Request, form: FormDep, session: SessionDep, actor: PageActorDep
) -> Response:
    """Confirm having read the adopted policy."""
    acknowledge(session, actor=signed_in(actor), slug=slug)
    return redirect(request, f"/policies/{slug}#acknowledgement")


@router.get("/me/comments", name="my_comments")
def my_comments(request: Request, session: PageReadSessionDep, actor: PageActorDep) -> Response:
    """List my comments with the drafter's answer to each."""
    me = signed_in(actor)
    return render(
        request, "web/my_comments.html", {"items": threads.comments_by_author(session, author_id=me.id or 0)}
    )
