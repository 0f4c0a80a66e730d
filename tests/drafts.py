"""Edit a draft the way a drafter does: a new Pasal goes after the last one, numbered next."""

from __future__ import annotations

import re

from policies.drafting.structure import parse_structure

_AFTER_BODY = re.compile(r"^##\s+(Penutup|Penjelasan|Lampiran)\b", re.IGNORECASE)


def with_new_pasal(body: str, text: str, *, key: str | None = None) -> str:
    """Return the draft with a new Pasal after its last one (before the Penutup, Penjelasan, Lampiran)."""
    pasal = [e for e in parse_structure(body=body) if e.kind == "pasal"]
    number = int(re.sub(r"\D", "", pasal[-1].num) or 0) + 1 if pasal else 1
    marker = f" {{#{key}}}" if key else ""
    lines = body.rstrip("\n").split("\n")
    start = pasal[-1].line if pasal else 0
    at = next((i for i in range(start, len(lines)) if _AFTER_BODY.match(lines[i])), len(lines))
    added = ["", f"### Pasal {number}{marker}", "", text, ""]
    return "\n".join(lines[:at] + added + lines[at:]) + "\n"


def new_pasal_heading(body: str) -> str:
    """Return the heading the next Pasal of this draft takes ("Pasal 14")."""
    pasal = [e for e in parse_structure(body=body) if e.kind == "pasal"]
    return f"Pasal {int(re.sub(r'[^0-9]', '', pasal[-1].num) or 0) + 1 if pasal else 1}"
