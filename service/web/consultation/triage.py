"""Pages for answering comments: triage with filters, one or a campaign group at once, moderation,
and the consultation and evaluation reports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Protocol

from fastapi import APIRouter, Query, Request
from sqlmodel import Session
from starlette.datastructures import FormData
from starlette.responses import Response

from policies.accounts.access import Actor, can_answer, can_moderate, require_owner, require_role
from policies.accounts.models import Role
from policies.consultation import queries as consultation_queries
from policies.consultation.answers import DISPOSITION_REASON
from policies.consultation.campaigns import list_campaigns
from policies.consultation.comments import dispose, dispose_campaign
from policies.consultation.models import Outcome, Stance
from policies.consultation.pages import CommentFilter, CommentSort, list_comments
from policies.consultation.record import chosen_windows
from policies.consultation.report import render_report_body
from policies.consultation.report_labels import LABELS
from policies.core.db import MAX_INTEGER, utcnow
from policies.core.errors import Conflict, InvalidInput, NotFound
from policies.drafting import queries as drafting_queries
from policies.drafting.reading import readable_report
from policies.lifecycle import queries
from service.api.consultation.comments import DispositionIn
from service.api.params import IdPath
from service.deps import SessionDep, SettingsDep
from service.problems import status_of
from service.web.consultation.moderation import moderate
from service.web.forms import PageForm
from service.web.render import (
    FormDep,
    PageActorDep,
    PageReadSessionDep,
    PageRoute,
    locale_of,
    message_of,
    redirect,
    render,
    signed_in,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)
PAGE_SIZE = 50


def _positive_id(raw: str) -> int | None:
    """Read a query value as a row id, or None: a superscript digit, 5,000 digits or a number past
    the column's range is no id (int() of either raises, the database refuses the last)."""
    if not (raw.isascii() and raw.isdigit() and len(raw) <= len(str(MAX_INTEGER))):
        return None
    value = int(raw)
    return value if 0 < value <= MAX_INTEGER else None


def _filters(request: Request) -> tuple[CommentFilter, dict[str, str]]:
    q = request.query_params
    chosen = {k: q.get(k, "") for k in ("clause", "stance", "campaign", "undisposed", "cycle")}
    stance = Stance(chosen["stance"]) if chosen["stance"] in {s.value for s in Stance} else None
    campaign = _positive_id(chosen["campaign"])
    # An earlier cycle's comments stay listed by naming it (?cycle=1); none named: this cycle's.
    cycle = _positive_id(chosen["cycle"])
    chosen["cycle"] = str(cycle) if cycle else ""
    filters = CommentFilter(
        clause_key=chosen["clause"] or None,
        stance=stance,
        undisposed=chosen["undisposed"] == "1",
        campaign_id=campaign,
        cycle=cycle,
    )
    return filters, chosen


def _triage_context(
    session: PageReadSessionDep, request: Request, slug: str, actor: PageActorDep
) -> dict[str, object]:
    me = require_role(signed_in(actor), Role.DRAFTER, Role.MODERATOR)
    policy = queries.get_policy(session, slug=slug)
    if me.role is Role.DRAFTER:
        # Moderators moderate every policy; a drafter answers only their unit's.
        require_owner(me, policy=policy)
    filters, chosen = _filters(request)
    windows = chosen_windows(session, policy=policy, cycle=filters.cycle)
    window = windows.windows[-1] if windows.windows else None
    cursor = request.query_params.get("cursor") or None
    page = list_comments(
        session,
        slug=slug,
        viewer=me,
        filters=filters,
        sort=CommentSort.OLDEST,
        cursor=cursor,
        limit=PAGE_SIZE,
    )
    clauses = drafting_queries.clauses_of(session, version_id=window.version_id) if window else []
    # A comment on a clause only an earlier window of the cycle had is still named by its label.
    headings = {
        c.key: c.heading
        for w in windows.windows[:-1]
        for c in drafting_queries.clauses_of(session, version_id=w.version_id)
    }
    headings.update({c.key: c.heading for c in clauses})
    return {
        "policy": policy,
        "window": window,
        "page": page,
        "chosen": chosen,
        "clauses": clauses,
        "headings": headings,
        "campaigns": list_campaigns(session, window_ids=windows.window_ids),
        "outcomes": list(Outcome),
        "stances": list(Stance),
        "undisposed": consultation_queries.undisposed_in_windows(session, window_ids=windows.window_ids),
        "can_answer": can_answer(me),
        "can_moderate": can_moderate(me),
        "query": request.url.query,
        "failed": None,
    }


@router.get("/policies/{slug}/triage", name="triage")
def triage(slug: str, request: Request, session: PageReadSessionDep, actor: PageActorDep) -> Response:
    """List the window's comments by filter, each with forms to answer or moderate it."""
    return render(request, "web/triage.html", _triage_context(session, request, slug, actor))


class TriageAction(Protocol):
    """What a triage form sends: one domain action on the item its address names, from its fields."""

    def __call__(self, session: Session, *, actor: Actor, slug: str, item_id: int, form: FormData) -> object:
        """Send the form's action."""


DISPOSITION_FORM = PageForm(
    DispositionIn,
    refusals={
        "outcome": (
            "Pilih tindak lanjut: diterima, diterima sebagian, tidak diterima atau dicatat.",
            "Choose an answer: accepted, partly accepted, not accepted or noted.",
        )
    },
    texts=(DISPOSITION_REASON,),
)


def _answer(action: Callable[..., object], id_field: str) -> TriageAction:
    """Answer by `action` (one comment, or a campaign group at once) with the disposition form."""

    def send(session: Session, *, actor: Actor, slug: str, item_id: int, form: FormData) -> None:
        payload = DISPOSITION_FORM.parse(form)
        action(session, actor=actor, slug=slug, **{id_field: item_id}, **payload.model_dump())

    return send


# What each form of the triage page sends, by the address's target.
TRIAGE_ACTIONS: dict[str, TriageAction] = {
    "comment": _answer(dispose, "comment_id"),
    "campaign": _answer(dispose_campaign, "campaign_id"),
    "moderate": moderate,
}


@router.post("/policies/{slug}/triage/{target}/{item_id}", name="triage_action")
def triage_action(
    slug: str,
    target: str,
    item_id: IdPath,
    request: Request,
    form: FormDep,
    session: SessionDep,
    actor: PageActorDep,
) -> Response:
    """Answer a comment, answer a whole campaign group, or hide/show a comment with a reason."""
    me = signed_in(actor)
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    send = TRIAGE_ACTIONS.get(target)
    if send is None:
        raise NotFound(
            f"Tindakan '{target}' tidak dikenal pada halaman tindak lanjut.",
            en=f"The triage page has no action '{target}'.",
        )
    try:
        send(session, actor=me, slug=slug, item_id=item_id, form=form)
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        # The form's address carries the list's filters, so the list comes back as it was.
        context = _triage_context(session, request, slug, actor)
        failed = f"{target}-{item_id}"
        context.update(values=values, failed=failed, errors={failed: message_of(request, exc)})
        return render(request, "web/triage.html", context, status_code=status_of(exc))
    query = f"?{request.url.query}" if request.url.query else ""
    anchor = f"#{'comment' if target == 'moderate' else target}-{item_id}"
    return redirect(request, f"/policies/{slug}/triage{query}{anchor}")


@router.get("/policies/{slug}/report", name="consultation_report")
def consultation_report(
    slug: str,
    request: Request,
    session: PageReadSessionDep,
    actor: PageActorDep,
    settings: SettingsDep,
    page: Annotated[int, Query(ge=1, le=MAX_INTEGER)] = 1,
    full: bool = False,
    cycle: Annotated[int | None, Query(ge=1, le=MAX_INTEGER)] = None,
) -> Response:
    """Show a cycle's published consultation report (default: this cycle's) a page at a time, or whole
    (`full`); owners see a draft."""
    report = readable_report(
        session,
        actor=actor,
        slug=slug,
        now=utcnow(),
        page=None if full else page,
        cycle=cycle,
        campaign_threshold=settings.campaign_threshold,
    )
    body = render_report_body(report.data, locale=locale_of(request), draft=report.draft)
    labels = LABELS[locale_of(request)]
    # A preview says so in the tab's name too, as the printable document does.
    marker = f"[{labels['draft'].split(' ')[0]}] " if report.draft else ""
    title = f"{marker}{labels['title']} — {report.data.policy.title}"
    return render(request, "web/report.html", {"body": body, "title": title})
