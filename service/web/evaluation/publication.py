"""A closed round published for the public: the evaluator's publish action and the page anyone reads."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from policies.core.errors import DomainError
from policies.evaluation import publication
from policies.evaluation.followup.progress import followup_section
from policies.evaluation.report import report_context
from policies.evaluation.trends import trend_section
from policies.lifecycle.queries import get_policy
from service.api.params import IdPath
from service.deps import SessionDep, SettingsDep
from service.web.evaluation.rounds import _refused, _round_of, rounds_path
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
PUBLIC_PATH = "/publikasi/skm/{round_id}"


def publication_path(round_id: int) -> str:
    """Return the address of a round's public results page."""
    return PUBLIC_PATH.format(round_id=round_id)


@router.post("/policies/{slug}/evaluation/rounds/publish", name="evaluation_publish_round")
def publish_round(
    slug: str,
    request: Request,
    form: FormDep,
    session: SessionDep,
    actor: PageActorDep,
    settings: SettingsDep,
) -> Response:
    """Publish a closed round's results on its public page (evaluators and admins)."""
    policy = get_policy(session, slug=slug)
    me = publication.require_publisher(signed_in(actor), policy=policy)
    survey_id = 0
    try:
        survey = _round_of(session, policy=policy, form=form)
        survey_id = survey.id or 0
        publication.publish_results(session, actor=me, round_id=survey_id)
    except DomainError as exc:
        return _refused(
            request,
            session,
            exc,
            policy=policy,
            actor=me,
            form={"action": "publish", "round_id": survey_id},
            values={},
            tz=settings.timezone,
            fields=frozenset(),
        )
    return redirect(request, f"{rounds_path(slug)}#round-{survey_id}")


@router.get(PUBLIC_PATH, name="evaluation_publication")
def publication_page(round_id: IdPath, request: Request, session: PageReadSessionDep) -> Response:
    """Show a published round's results to anyone: IKM, mutu, each unsur, sample, follow-up (small groups
    hidden as everywhere)."""
    survey = publication.public_round(session, round_id=round_id)
    context = report_context(session, round_id=round_id, locale=locale_of(request))
    return render(
        request,
        "web/evaluation/publication.html",
        {
            "r": context,
            "survey": survey,
            "policy": context["policy"],
            "round_id": round_id,
            "policy_id": survey.policy_id,
            "followup": followup_section(session, round_id=round_id),
            "trends": trend_section(session, policy_id=survey.policy_id, up_to_round=survey.number),
        },
    )
