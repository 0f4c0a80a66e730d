"""The indicators page: add an indicator, enter a measurement, import measurements from a previewed CSV."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from sqlmodel import Session
from starlette.datastructures import FormData
from starlette.responses import Response

from policies.accounts.access import Actor
from policies.core.errors import DomainError, NotFound
from policies.evaluation import indicators, measurements, views
from policies.evaluation.measurements import parse_number
from policies.lifecycle.models import Policy
from policies.lifecycle.queries import get_policy
from service.api.evaluation.indicators import IndicatorIn, MeasurementIn
from service.api.params import MAX_ID
from service.deps import SessionDep
from service.problems import status_of
from service.web.evaluation.rounds import staff
from service.web.evaluation.uploads import PREVIEWED, confirmed, read_upload
from service.web.forms import PageForm, errors_on, form_id, text
from service.web.render import (
    FormDep,
    PageActorDep,
    PageReadSessionDep,
    PageRoute,
    locale_of,
    redirect,
    render,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)
TEMPLATE = "web/evaluation_indicators.html"
MAX_INDICATORS = 200
MAX_MEASUREMENTS = 100
NUMBER = ("Tulis angka, misalnya 80 atau 76,5.", "Write a number, for example 80 or 76.5.")
INDICATOR_FORM = PageForm(
    IndicatorIn,
    refusals={
        "code": (
            "Kode: huruf kecil, angka dan garis bawah, diawali huruf (misalnya jp_per_asn).",
            "A code has lower-case letters, digits and underscores, a letter first (e.g. jp_per_asn).",
        ),
        "target": NUMBER,
        "baseline": NUMBER,
        "direction": ("Pilih arah yang lebih baik.", "Choose which direction is better."),
        "source": ("Pilih sumber nilainya.", "Choose where the values come from."),
    },
    texts=(
        text(
            "name",
            "Nama indikator",
            "The indicator's name",
            blank=("Isi nama indikator.", "Fill in the name."),
        ),
        text("name_en", "Nama indikator (Inggris)", "The indicator's English name"),
        text(
            "unit",
            "Satuan",
            "The unit",
            blank=("Isi satuannya (misalnya persen).", "Fill in the unit (e.g. percent)."),
        ),
    ),
)
MEASUREMENT_FORM = PageForm(
    MeasurementIn,
    refusals={
        "value": NUMBER,
        "measured_on": ("Tulis tanggal seperti 2026-09-01.", "Write a date such as 2026-09-01."),
        "round_id": ("Pilih putaran survei dari daftar.", "Choose a survey round from the list."),
    },
    texts=(text("note", "Catatan", "The note"),),
)
CREATE_FIELDS = frozenset({"code", "name", "name_en", "unit", "baseline", "target", "direction", "source"})
MEASURE_FIELDS = frozenset({"value", "round_id", "measured_on", "note"})


def indicators_path(slug: str) -> str:
    """Return the address of a policy's indicators page."""
    return f"/policies/{slug}/evaluation/indicators"


def _numbers(form: FormData, *names: str) -> dict[str, object]:
    """Read numbers typed the Indonesian way ("76,5", "1.234,5"); an unreadable one goes on as typed."""
    given: dict[str, object] = {}
    for name in names:
        raw = str(form.get(name, "")).strip()
        if raw:
            try:
                given[name] = parse_number(raw)
            except ValueError:
                given[name] = raw
    return given


def _context(session: Session, *, policy: Policy, actor: Actor) -> dict[str, Any]:
    """Return what the page shows: each indicator with its latest value, trend and measurements."""
    page = indicators.indicators_page(session, slug=policy.slug, viewer=actor, limit=MAX_INDICATORS)
    return {
        "policy": policy,
        "items": [
            (
                view,
                measurements.measurements_page(
                    session,
                    indicator_id=view.indicator.id,
                    viewer=actor,
                    limit=MAX_MEASUREMENTS,  # type: ignore[arg-type]
                ).items,
            )
            for view in page.items
        ],
        "rounds": views.rounds_page(session, slug=policy.slug, limit=MAX_INDICATORS),
        "form": None,
        "preview": None,
    }


def _refused(
    request: Request,
    session: Session,
    exc: DomainError,
    *,
    slug: str,
    actor: Actor,
    form: dict[str, Any],
    values: dict[str, str],
    fields: frozenset[str],
) -> Response:
    """Show the page again with the refusal next to its field (or above the form) and the values kept."""
    session.rollback()
    context = _context(session, policy=get_policy(session, slug=slug), actor=actor)
    context.update(form=form, values=values, errors=errors_on(exc, locale=locale_of(request), fields=fields))
    return render(request, TEMPLATE, context, status_code=status_of(exc))


def _values(form: FormData) -> dict[str, str]:
    return {k: str(v) for k, v in form.items() if k not in ("csrf_token", "file")}


@router.get("/policies/{slug}/evaluation/indicators", name="evaluation_indicators")
def indicators_page(
    slug: str, request: Request, session: PageReadSessionDep, actor: PageActorDep
) -> Response:
    """Show a policy's indicators, their values against targets and the forms to add to them."""
    policy, me = staff(session, slug=slug, actor=actor)
    return render(request, TEMPLATE, _context(session, policy=policy, actor=me))


@router.post("/policies/{slug}/evaluation/indicators", name="evaluation_add_indicator")
def add_indicator(
    slug: str, request: Request, form: FormDep, session: SessionDep, actor: PageActorDep
) -> Response:
    """Add an indicator with its target (and baseline), numbers written the Indonesian way."""
    _, me = staff(session, slug=slug, actor=actor)
    try:
        payload = INDICATOR_FORM.parse(form, **_numbers(form, "target", "baseline"))
        row = indicators.create_indicator(session, actor=me, slug=slug, **payload.model_dump())
    except DomainError as exc:
        return _refused(
            request,
            session,
            exc,
            slug=slug,
            actor=me,
            form={"action": "indicator"},
            values=_values(form),
            fields=CREATE_FIELDS,
        )
    return redirect(request, f"{indicators_path(slug)}#indicator-{row.id}")


def _indicator_id(session: Session, *, policy: Policy, form: FormData) -> int:
    indicator_id = form_id(form, "indicator_id")
    row = indicators.get_indicator(session, indicator_id=indicator_id) if indicator_id else None
    if row is None or row.policy_id != policy.id:
        raise NotFound(
            "Formulir ini tidak menyebut indikator kebijakan ini: muat ulang halaman lalu coba lagi.",
            en="This form names no indicator of this policy: reload the page and try again.",
        )
    return row.id  # type: ignore[return-value]


@router.post("/policies/{slug}/evaluation/measurements", name="evaluation_measure")
def add_measurement(
    slug: str, request: Request, form: FormDep, session: SessionDep, actor: PageActorDep
) -> Response:
    """Enter a value of an indicator, for a survey round or a date."""
    policy, me = staff(session, slug=slug, actor=actor)
    indicator_id = 0
    try:
        indicator_id = _indicator_id(session, policy=policy, form=form)
        payload = MEASUREMENT_FORM.parse(form, **_numbers(form, "value"))
        measurements.record_measurement(session, actor=me, indicator_id=indicator_id, **payload.model_dump())
    except DomainError as exc:
        return _refused(
            request,
            session,
            exc,
            slug=slug,
            actor=me,
            form={"action": "measure", "indicator_id": indicator_id},
            values=_values(form),
            fields=MEASURE_FIELDS,
        )
    return redirect(request, f"{indicators_path(slug)}#indicator-{indicator_id}")


def _round_id(form: FormData) -> int | None:
    raw = str(form.get("round_id", "")).strip()
    return int(raw) if raw.isdigit() and 0 < int(raw) <= MAX_ID else None


@router.post("/policies/{slug}/evaluation/measurements/import", name="evaluation_import_measurements")
def import_measurements(
    slug: str, request: Request, form: FormDep, session: SessionDep, actor: PageActorDep
) -> Response:
    """Preview a measurements CSV (nothing saved), or record the previewed one's accepted rows."""
    policy, me = staff(session, slug=slug, actor=actor)
    values = _values(form)
    try:
        csv_text = read_upload(form)
        if not confirmed(form):
            preview = measurements.preview_measurements_csv(session, actor=me, slug=slug, csv_text=csv_text)
            context = _context(session, policy=policy, actor=me)
            context.update(preview=preview, form={"action": "import"}, values={**values, PREVIEWED: csv_text})
            return render(request, TEMPLATE, context)
        measurements.import_measurements_csv(
            session, actor=me, slug=slug, csv_text=csv_text, round_id=_round_id(form), skip_rejected=True
        )
    except DomainError as exc:
        return _refused(
            request,
            session,
            exc,
            slug=slug,
            actor=me,
            form={"action": "import"},
            values=values,
            fields=frozenset({"file", "round_id"}),
        )
    return redirect(request, f"{indicators_path(slug)}#indicators")
