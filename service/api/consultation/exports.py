"""The register leaves the system: streamed CSV/JSON exports and the consultation report."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, PlainTextResponse, StreamingResponse

from policies.consultation.comment_queries import can_see_hidden
from policies.consultation.export import export_csv, export_json
from policies.consultation.record import consulted
from policies.consultation.report import render_report
from policies.core.db import read_session, utcnow
from policies.drafting.reading import readable_report
from policies.lifecycle.queries import get_policy
from service.api.consultation.choice import CycleQuery, WindowQuery
from service.api.params import SlugPath
from service.auth import OptionalActorDep
from service.deps import ReadSessionDep, SettingsDep

router = APIRouter(tags=["comments"])
Exporter = Callable[..., Iterator[str]]


def _stream(
    slug: str,
    session: ReadSessionDep,
    viewer: OptionalActorDep,
    settings: SettingsDep,
    *,
    exporter: Exporter,
    cycle: int | None,
    window_id: int | None,
) -> Iterator[str]:
    policy = get_policy(session, slug=slug)
    # Every window of the cycle: an earlier window's comments are part of the same register.
    window_ids = consulted(session, policy=policy, cycle=cycle, window_id=window_id).window_ids
    full_text = can_see_hidden(viewer, policy=policy)

    # The rows are read while the response is sent, by a session that lives as long as the stream.
    def chunks() -> Iterator[str]:
        # A transaction: on PostgreSQL the rows come through a server-side cursor.
        with read_session(settings.database_url, transaction=True) as stream_session:
            yield from exporter(stream_session, window_ids=window_ids, full_text=full_text)

    return chunks()


@router.get(
    "/policies/{slug}/comments.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}, "description": "Semua masukan beserta tindak lanjutnya."}},
)
def export_comments_csv(
    slug: SlugPath,
    session: ReadSessionDep,
    viewer: OptionalActorDep,
    settings: SettingsDep,
    cycle: CycleQuery = None,
    window_id: WindowQuery = None,
) -> StreamingResponse:
    """Export every comment of a cycle's consultation (default: this cycle's) with its disposition as CSV.

    A cell of user text starting with =, +, -, @, a tab or a carriage return gets a leading
    apostrophe, so a spreadsheet shows it instead of running it as a formula.
    """
    body = _stream(slug, session, viewer, settings, exporter=export_csv, cycle=cycle, window_id=window_id)
    return StreamingResponse(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{slug}-masukan.csv"'},
    )


@router.get(
    "/policies/{slug}/comments.json",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/json": {}}, "description": "Semua masukan (larik JSON)."}},
)
def export_comments_json(
    slug: SlugPath,
    session: ReadSessionDep,
    viewer: OptionalActorDep,
    settings: SettingsDep,
    cycle: CycleQuery = None,
    window_id: WindowQuery = None,
) -> StreamingResponse:
    """Export every comment of a cycle's consultation (default: this cycle's) with its disposition as JSON."""
    body = _stream(slug, session, viewer, settings, exporter=export_json, cycle=cycle, window_id=window_id)
    return StreamingResponse(body, media_type="application/json")


@router.get("/policies/{slug}/consultation/report.html", response_class=HTMLResponse)
@router.get("/policies/{slug}/consultation/report", response_class=HTMLResponse)
def report_html(
    slug: SlugPath,
    session: ReadSessionDep,
    viewer: OptionalActorDep,
    settings: SettingsDep,
    cycle: CycleQuery = None,
) -> HTMLResponse:
    """Render a cycle's consultation report once published (its owners preview the draft, marked so)."""
    report = readable_report(
        session,
        actor=viewer,
        slug=slug,
        now=utcnow(),
        cycle=cycle,
        campaign_threshold=settings.campaign_threshold,
    )
    return HTMLResponse(render_report(report.data, fmt="html", draft=report.draft))


@router.get(
    "/policies/{slug}/consultation/report.md",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/markdown": {}}}},
)
def report_markdown(
    slug: SlugPath,
    session: ReadSessionDep,
    viewer: OptionalActorDep,
    settings: SettingsDep,
    cycle: CycleQuery = None,
) -> PlainTextResponse:
    """Render a cycle's consultation report as Markdown once published (owners preview the draft)."""
    report = readable_report(
        session,
        actor=viewer,
        slug=slug,
        now=utcnow(),
        cycle=cycle,
        campaign_threshold=settings.campaign_threshold,
    )
    text = render_report(report.data, fmt="md", draft=report.draft)
    return PlainTextResponse(text, media_type="text/markdown; charset=utf-8")
