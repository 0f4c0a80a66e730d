"""The evaluation report as a Word document (python-docx), section by section as agencies file it."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from docx import Document
from docx.document import Document as DocumentType
from sqlmodel import Session

from policies.evaluation.report.context import report_context
from policies.evaluation.report.followup_tables import followup_tables, has_plans, trend_table

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _table(doc: DocumentType, header: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text


def _intro_and_method(doc: DocumentType, c: dict[str, Any]) -> None:
    t, num, sample = c["t"], c["num"], c["sample"]
    doc.add_heading(t["s1"], level=1)
    doc.add_heading(t["s1_background"], level=2)
    doc.add_paragraph(c["background"])
    doc.add_heading(t["s1_legal"], level=2)
    for item in c["legal"]:
        doc.add_paragraph(item, style="List Number")
    doc.add_heading(t["s1_aims"], level=2)
    doc.add_paragraph(t["aims"])
    doc.add_heading(t["s2"], level=1)
    doc.add_paragraph(c["method_text"])
    results = c["results"]
    _table(
        doc,
        [t["sample_item"], t["sample_figure"]],  # an empty bold first row reads as a missing header
        [
            [t["population"], num(results.population, 0)],
            [t["minimum_sample"], num(sample.minimum, 0)],
            [t["responses"], f"{num(results.responses, 0)} ({c['share'](c['response_rate'])})"],
            [t["shortfall"], num(sample.shortfall, 0)],
            [t["margin"], c["margin"]],
        ],
    )
    doc.add_paragraph(t["sample_adequate"] if sample.adequate else c["sample_warning"])
    doc.add_paragraph(t["margin_formula"])


def _results(doc: DocumentType, c: dict[str, Any]) -> None:
    t, num, en, overall = c["t"], c["num"], c["locale"] == "en", c["overall"]
    doc.add_heading(t["s3"], level=1)
    if overall is None:
        doc.add_paragraph(t["no_responses"])
    else:
        doc.add_heading(t["s3_nrr"], level=2)
        _table(
            doc,
            [t["unsur"], t["nrr"], t["unsur_ikm"], t["category"]],
            [[u.name_en if en else u.name, num(u.nrr), num(u.ikm), u.category] for u in overall.unsur],
        )
        table = c["nrr_table"]
        doc.add_heading(t["s3_table"], level=2)
        rows = [
            [
                f"{r.code.upper()} {r.name}",
                num(r.total, 0),
                num(r.nrr),
                num(r.weighted, 4),
                num(r.index),
                r.category,
            ]
            for r in table.rows
        ]
        rows.append([t["ni"], "", "", num(table.ni, 4), "", ""])
        rows.append([t["ikm_short"], "", "", num(table.ikm), "", table.category.letter])
        _table(doc, [t["unsur"], t["total"], t["nrr"], t["weighted"], t["unsur_ikm"], t["category"]], rows)
        doc.add_heading(t["s3_ikm"], level=2)
        name = overall.category_name_en if en else overall.category_name
        doc.add_paragraph().add_run(
            f"IKM {num(overall.ikm)} — {t['category']} {overall.category} ({name})"
        ).bold = True
        doc.add_paragraph(t["conversion"])
        _table(
            doc,
            [t["perception"], t["ni_range"], t["ikm_range"], t["mutu"], t["performance"]],
            [
                [
                    str(r.perception),
                    f"{r.ni_low} – {r.ni_high}",
                    f"{num(r.ikm_low)} – {num(r.ikm_high)}",
                    r.letter,
                    r.name + (f" ({t['this_round']})" if r.current else ""),
                ]
                for r in c["conversion"]
            ],
        )
        doc.add_paragraph(t["method"])
        doc.add_paragraph(c["rounding"])
        doc.add_heading(t["s3_unit"], level=2)
        _table(
            doc,
            [t["unit"], t["respondents"], "IKM", t["category"]],
            [[unit or "—", num(r.respondents, 0), num(r.ikm), r.category] for unit, r in c["units"]],
        )
        for note in c["unit_notes"]:
            doc.add_paragraph(note)
        for title, group_rows in c["breakdowns"]:
            doc.add_paragraph(title).runs[0].bold = True
            _table(doc, [title, t["respondents"], "IKM", t["category"]], [list(r) for r in group_rows])
        doc.add_paragraph(c["suppression_note"])
    doc.add_heading(t["s3_service"], level=2)
    kind, title = c["service"]
    _table(
        doc,
        [t["service"], t["respondents"], "IKM", t["category"]],
        [
            [
                f"{kind}: {title}",
                num(c["results"].responses, 0),
                num(overall.ikm) if overall else "—",
                overall.category if overall else "",
            ]
        ],
    )
    for q in c["questions"]:
        doc.add_paragraph(q.text).runs[0].bold = True
        if q.type == "scale":
            doc.add_paragraph(f"{t['mean']}: {num(q.index) if q.index is not None else '—'}")
        elif q.type in ("single", "multi"):
            _table(doc, [t["option"], t["count"]], [[option, num(n, 0)] for option, n in q.counts])
        else:
            for text in q.texts:
                doc.add_paragraph(text, style="Quote")
    doc.add_heading(t["s3_indicators"], level=2)
    _table(
        doc,
        [t["indicator"], t["target"], t["value"], t["meets"]],
        [
            [
                f"{i.name} ({i.unit})",
                ("≤ " if i.direction == "down" else "≥ ") + num(i.target),
                num(i.value) if i.value is not None else t["not_measured"],
                "—" if i.meets is None else (t["yes"] if i.meets else t["no"]),
            ]
            for i in c["indicators"]
        ],
    )


def _analysis(doc: DocumentType, c: dict[str, Any]) -> None:
    t, num = c["t"], c["num"]
    doc.add_heading(t["s4"], level=1)
    doc.add_heading(t["s4_lowest"], level=2)
    if c["extremes"]:
        low, high = c["extremes"]
        text = t["lowest"].format(
            names=", ".join(low.names), nrr=num(low.nrr), ikm=num(low.index), category=low.category
        )
        doc.add_paragraph(text + (" " + t["lowest_action"] if low.category in ("C", "D") else ""))
        doc.add_paragraph(
            t["highest"].format(
                names=", ".join(high.names), nrr=num(high.nrr), ikm=num(high.index), category=high.category
            )
        )
    else:
        doc.add_paragraph(t["no_responses"])
    doc.add_heading(t["s4_followup"], level=2)
    if not has_plans(c["followup_tables"]):  # said even when the earlier round's outcomes follow
        doc.add_paragraph(t["followup_none"])
    for table in c["followup_tables"]:
        doc.add_paragraph(table.title)
        _table(doc, table.header, table.rows)
    doc.add_heading(t["s4_compare"], level=2)
    comparison = c["comparison"]
    if comparison is None:
        doc.add_paragraph(t["no_previous"])
    else:
        header = [
            "",
            t["previous"].format(n=comparison.previous_number),
            t["previous"].format(n=c["survey"].number),
            t["delta"],
        ]

        def cells(r: Any) -> list[str]:
            return [
                r.label,
                num(r.before) if r.before is not None else "—",
                num(r.now) if r.now is not None else "—",
                c["signed"](r.delta) if r.delta is not None else "—",
            ]

        _table(doc, header, [cells(r) for r in [comparison.ikm, *comparison.index]])
        _table(doc, [t["nrr"], *header[1:]], [cells(r) for r in comparison.nrr])
        doc.add_paragraph(t["compare_note"])
    if c["trend_table"] is not None:
        doc.add_paragraph(c["trend_table"].title)
        _table(doc, c["trend_table"].header, c["trend_table"].rows)
    doc.add_heading(t["s4_recommendation"], level=2)
    for text in c["reasons"] or [t["no_recommendation"]]:
        doc.add_paragraph(text)
    doc.add_heading(t["s5"], level=1)
    doc.add_paragraph(c["conclusion"])


def report_docx(session: Session, *, round_id: int, locale: str = "id") -> bytes:
    """Return a closed round's SKM report as a .docx file."""
    c = report_context(session, round_id=round_id, locale=locale)
    c["followup_tables"] = followup_tables(session, round_id=round_id, locale=locale)
    c["trend_table"] = trend_table(session, round_id=round_id, locale=locale)
    t, survey = c["t"], c["survey"]
    doc = Document()
    doc.core_properties.title = f"{t['title']}: {c['policy'].title}"
    doc.add_heading(f"{t['title']}: {c['policy'].title}", level=0)
    doc.add_paragraph(
        f"{c['kind_name']} · {t['round']} {survey.number} · {t['cycle']} {survey.cycle}\n"
        f"{t['period']}: {c['when'](survey.opens_at)} – {c['when'](survey.closed_at or survey.closes_at)}"
    )
    _intro_and_method(doc, c)
    _results(doc, c)
    _analysis(doc, c)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()
