"""The evaluation report of a round (the SKM report of PermenPANRB 14/2017): HTML, Markdown, docx, xlsx."""

from __future__ import annotations

from policies.evaluation.report.context import LOCALES, report_context
from policies.evaluation.report.labels import LABELS
from policies.evaluation.report.render import (
    FORMATS,
    ReportParts,
    render_report,
    render_report_body,
    render_report_parts,
)

__all__ = [
    "FORMATS",
    "LABELS",
    "LOCALES",
    "ReportParts",
    "render_report",
    "render_report_body",
    "render_report_parts",
    "report_context",
]
