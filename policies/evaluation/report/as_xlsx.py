"""The evaluation report as a spreadsheet (openpyxl): a sheet per section, figures as numbers."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import Session

from policies.evaluation.common import half_up
from policies.evaluation.report.context import report_context
from policies.evaluation.report.followup_tables import followup_tables, has_plans, trend_table

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEETS = {
    "id": {
        "summary": "Ringkasan",
        "services": "Layanan dan indikator",
        "sample": "Sampel",
        "nrr": "NRR per unsur",
        "unit": "Per unit",
        "ikm": "IKM",
        "conversion": "Konversi",
        "compare": "Perbandingan",
        "followup": "Tindak lanjut",
        "trends": "Tren",
        "dimension": "Dimensi",
        "status": "Status",
        "shown": "ditampilkan",
        "suppressed": "disembunyikan (kurang dari minimum)",
        "merged": "disembunyikan (digabung ke \u201cLainnya\u201d agar tidak dapat dihitung dari selisih)",
        "other": "gabungan \u201cLainnya\u201d",
    },
    "en": {
        "summary": "Summary",
        "services": "Services and indicators",
        "sample": "Sample",
        "nrr": "NRR per element",
        "unit": "By unit",
        "ikm": "IKM",
        "conversion": "Conversion",
        "compare": "Comparison",
        "followup": "Follow-up",
        "trends": "Trends",
        "dimension": "Dimension",
        "status": "Status",
        "shown": "shown",
        "suppressed": "hidden (below the minimum)",
        "merged": "hidden (merged into \u201cOther\u201d so it cannot be derived by subtraction)",
        "other": "merged \u201cOther\u201d",
    },
}


def _number(value: Decimal | Fraction | str | int, digits: int = 2) -> float:
    # Stored as the rounded figure the report shows, so the sheet and the document agree.
    return float(half_up(value, digits=digits))


def _header(ws: Worksheet, *titles: str) -> None:
    ws.append(list(titles))
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)


def _figure(text: str, *, locale: str) -> float | str:
    # The trend table is written for reading ("79,63"); the sheet stores its figures as numbers so
    # they can be charted and compared. Anything else ("—", "< 5", a label) stays text.
    plain = text.replace(",", ".") if locale == "id" else text
    try:
        return float(plain) if plain[:1].isdigit() or plain[:1] == "-" else text
    except ValueError:
        return text


def _no_formulas(book: Workbook) -> None:
    # openpyxl stores any text starting with "=" as a formula: a respondent's suggestion or a plan's
    # action could then run (=HYPERLINK, =WEBSERVICE) when an auditor opens the file. The report
    # writes no formula of its own, so every such cell is text.
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"


def _summary_sheet(ws: Worksheet, c: dict[str, Any]) -> None:
    # The report's prose sections (I, IV.A, IV.D, V), so the workbook alone carries every section.
    t, num = c["t"], c["num"]
    _header(ws, f"{t['title']}: {c['policy'].title}")
    ws.append([f"{c['kind_name']} · {t['round']} {c['survey'].number} · {t['cycle']} {c['survey'].cycle}"])
    ws.append([])
    _header(ws, t["s1"])
    ws.append([t["s1_background"], c["background"]])
    for i, item in enumerate(c["legal"], start=1):
        ws.append([t["s1_legal"] if i == 1 else None, f"{i}. {item}"])
    ws.append([t["s1_aims"], t["aims"]])
    ws.append([t["s2"], c["method_text"]])
    ws.append([])
    _header(ws, t["s4"])
    if c["extremes"]:
        low, high = c["extremes"]
        lowest = t["lowest"].format(
            names=", ".join(low.names), nrr=num(low.nrr), ikm=num(low.index), category=low.category
        )
        ws.append([t["s4_lowest"], lowest + (" " + t["lowest_action"] if low.category in ("C", "D") else "")])
        ws.append(
            [
                None,
                t["highest"].format(
                    names=", ".join(high.names),
                    nrr=num(high.nrr),
                    ikm=num(high.index),
                    category=high.category,
                ),
            ]
        )
    else:
        ws.append([t["s4_lowest"], t["no_responses"]])
    for i, text in enumerate(c["reasons"] or [t["no_recommendation"]]):
        ws.append([t["s4_recommendation"] if i == 0 else None, text])
    ws.append([])
    _header(ws, t["s5"])
    ws.append([c["conclusion"]])


def _services_sheet(ws: Worksheet, c: dict[str, Any]) -> None:
    # III.E (the one service a round surveys, and the kind's own questions) and III.F (indicators).
    t, overall, results = c["t"], c["overall"], c["results"]
    _header(ws, t["s3_service"])
    _header(ws, t["service"], t["respondents"], "IKM", t["category"])
    kind, title = c["service"]
    ws.append(
        [
            f"{kind}: {title}",
            results.responses,
            _number(overall.ikm) if overall else None,
            overall.category if overall else None,
        ]
    )
    for q in c["questions"]:
        ws.append([])
        _header(ws, q.text)
        if q.type == "scale":
            ws.append([t["mean"], _number(q.index) if q.index is not None else None])
        elif q.type in ("single", "multi"):
            for option, n in q.counts:
                ws.append([option, n])
        else:
            for text in q.texts:
                ws.append([text])
    ws.append([])
    _header(ws, t["s3_indicators"])
    _header(ws, t["indicator"], t["baseline"], t["target"], t["value"], t["meets"])
    for i in c["indicators"]:
        ws.append(
            [
                f"{i.name} ({i.unit})",
                _number(i.baseline) if i.baseline is not None else None,
                ("≤ " if i.direction == "down" else "≥ ") + c["num"](i.target),
                _number(i.value) if i.value is not None else t["not_measured"],
                "—" if i.meets is None else (t["yes"] if i.meets else t["no"]),
            ]
        )


def _sample_sheet(ws: Worksheet, c: dict[str, Any]) -> None:
    t, sample, results = c["t"], c["sample"], c["results"]
    _header(ws, t["s2"], "")
    ws.append([t["population"], results.population])
    ws.append([t["minimum_sample"], sample.minimum])
    ws.append([t["responses"], results.responses])
    ws.append([t["shortfall"], sample.shortfall])
    ws.append([t["margin"], _number(sample.margin_of_error) if sample.margin_of_error is not None else None])
    ws.append([t["sample_adequate"] if sample.adequate else c["sample_warning"]])
    ws.append([t["margin_formula"]])


def _nrr_sheet(ws: Worksheet, c: dict[str, Any]) -> None:
    t, table = c["t"], c["nrr_table"]
    _header(ws, t["unsur"], t["total"], t["nrr"], t["weighted"], t["unsur_ikm"], t["category"])
    if table is None:
        ws.append([t["no_responses"]])
        return
    for r in table.rows:
        ws.append(
            [
                f"{r.code.upper()} {r.name}",
                r.total,
                _number(r.nrr),
                _number(r.weighted, 4),
                _number(r.index),
                r.category,
            ]
        )
    ws.append([t["ni"], None, None, _number(table.ni, 4)])
    ws.append([t["ikm_short"], None, None, _number(table.ikm), None, table.category.letter])


def _unit_sheet(ws: Worksheet, c: dict[str, Any], names: dict[str, str]) -> None:
    t = c["t"]
    # Every group listed; a hidden one has neither count nor figures, written as the report writes it.
    _header(ws, names["dimension"], t["unit"], t["respondents"], "IKM", t["category"], names["status"])
    for b in c["results"].breakdowns:
        hidden = t["suppressed"].format(n=b.min_group_size)
        for g in b.groups:
            label = t["other_units"] if g.status == "other" else g.label
            status = names[g.status]
            if g.status == "merged":  # at least the minimum, but hidden: "< n" would be untrue
                ws.append([t[f"dim_{b.dimension}"], label, t["merged_hidden"], None, None, status])
            elif g.ikm is None:
                ws.append([t[f"dim_{b.dimension}"], label, hidden, None, None, status])
            else:
                ws.append([t[f"dim_{b.dimension}"], label, g.respondents, _number(g.ikm), g.category, status])
    ws.append([c["suppression_note"]])


def _ikm_sheet(ws: Worksheet, c: dict[str, Any]) -> None:
    t, overall, table = c["t"], c["overall"], c["nrr_table"]
    _header(ws, t["ikm"], "")
    if overall is None or table is None:
        ws.append([t["no_responses"]])
        return
    en = c["locale"] == "en"
    ws.append([t["ni"], _number(table.ni, 4)])
    ws.append(["IKM", _number(overall.ikm)])
    ws.append([t["category"], overall.category])
    ws.append([t["performance"], overall.category_name_en if en else overall.category_name])
    ws.append([t["respondents"], overall.respondents])
    ws.append([t["method"]])
    ws.append([c["rounding"]])


def _conversion_sheet(ws: Worksheet, c: dict[str, Any]) -> None:
    t = c["t"]
    _header(ws, t["perception"], t["ni_range"], "", t["ikm_range"], "", t["mutu"], t["performance"])
    for r in c["conversion"]:
        ws.append(
            [
                r.perception,
                r.ni_low,
                r.ni_high,
                float(r.ikm_low),
                float(r.ikm_high),
                r.letter,
                r.name + (f" ({t['this_round']})" if r.current else ""),
            ]
        )


def _compare_sheet(ws: Worksheet, c: dict[str, Any]) -> None:
    t, comparison = c["t"], c["comparison"]
    if comparison is None:
        ws.append([t["no_previous"]])
        return
    before, now = (
        t["previous"].format(n=comparison.previous_number),
        t["previous"].format(n=c["survey"].number),
    )
    for title, rows in (("IKM", [comparison.ikm, *comparison.index]), (t["nrr"], comparison.nrr)):
        _header(ws, title, before, now, t["delta"])
        for r in rows:
            ws.append(
                [
                    r.label,
                    _number(r.before) if r.before is not None else None,
                    _number(r.now) if r.now is not None else None,
                    _number(r.delta) if r.delta is not None else None,
                ]
            )
        ws.append([])
    ws.append([t["compare_note"]])


def report_xlsx(session: Session, *, round_id: int, locale: str = "id") -> bytes:
    """Return a closed round's SKM report as an .xlsx workbook, one sheet per section."""
    c = report_context(session, round_id=round_id, locale=locale)
    names = SHEETS[locale]
    book = Workbook()
    first = book.active
    assert first is not None  # a new workbook has its one sheet
    first.title = names["summary"]
    _summary_sheet(first, c)
    _sample_sheet(book.create_sheet(names["sample"]), c)
    _nrr_sheet(book.create_sheet(names["nrr"]), c)
    _unit_sheet(book.create_sheet(names["unit"]), c, names)
    _services_sheet(book.create_sheet(names["services"]), c)
    _ikm_sheet(book.create_sheet(names["ikm"]), c)
    _conversion_sheet(book.create_sheet(names["conversion"]), c)
    _compare_sheet(book.create_sheet(names["compare"]), c)
    followup = book.create_sheet(names["followup"])
    _header(followup, c["t"]["s4_followup"])
    tables = followup_tables(session, round_id=round_id, locale=locale)
    if not has_plans(tables):
        followup.append([c["t"]["followup_none"]])
    for table in tables:
        followup.append([table.title])
        followup.append(table.header)
        for row in table.rows:
            followup.append(row)
        followup.append([])
    trends = trend_table(session, round_id=round_id, locale=locale)
    if trends is not None:
        sheet = book.create_sheet(names["trends"])
        _header(sheet, trends.title)
        sheet.append(trends.header)
        for row in trends.rows:
            sheet.append([row[0], *(_figure(cell, locale=locale) for cell in row[1:])])
    _no_formulas(book)
    out = BytesIO()
    book.save(out)
    return out.getvalue()
