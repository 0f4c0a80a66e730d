"""The report's charts: every label whole and inside the picture, user text escaped."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from policies.evaluation.charts import LABEL_CHARS, ikm_bars
from policies.evaluation.ikm import UNSUR

SVG = "{http://www.w3.org/2000/svg}"


def test_long_unsur_names_wrap_into_lines_that_fit_left_of_the_bars() -> None:
    rows = [("IKM", 80.0, "B")] + [(u.name, 70.0 + i, "C") for i, u in enumerate(UNSUR)]
    svg = ET.fromstring(str(ikm_bars(rows, title="IKM", locale="id")))
    height = float(svg.get("viewBox", "").split()[3])
    labels = [t for t in svg.iter(f"{SVG}text") if t.get("class") == "label"]
    assert len(labels) == len(rows)
    for (name, _value, _category), label in zip(rows, labels, strict=True):
        lines = [span.text or "" for span in label.iter(f"{SVG}tspan")]
        # The whole name is there, line by line, none longer than what fits in the label column.
        assert " ".join(lines) == name and all(len(line) <= LABEL_CHARS for line in lines)
        assert all(0 < float(span.get("y", "0")) < height for span in label.iter(f"{SVG}tspan"))
    assert any(len(list(label.iter(f"{SVG}tspan"))) > 1 for label in labels)  # a long name did wrap


def test_chart_labels_are_escaped() -> None:
    svg = str(ikm_bars([("<script>x</script> & Co", 50.0, "D")], title="<b>", locale="en"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&amp; Co" in svg
    assert re.search(r"<title>&lt;b&gt;</title>", svg)
