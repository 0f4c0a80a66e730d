"""Documents a stage renders from Jinja2 templates, stored as rows (one per policy, cycle and kind)."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from sqlmodel import Session

from policies.core.db import utcnow
from policies.core.i18n import format_date, format_datetime, format_number, format_share
from policies.lifecycle.models import Policy, StageDocument
from policies.lifecycle.queries import get_document

TEMPLATES = Path(__file__).parent / "templates"
KINDS = ("agenda", "consultation", "adopted", "socialization-kit")


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # Markdown; the pages sanitize when they turn it into HTML
        trim_blocks=False,
    )
    env.globals.update(
        fmt_dt=lambda v: format_datetime(v),
        fmt_d=lambda v: format_date(v),
        fmt_n=lambda v: format_number(v),
        fmt_pct=lambda v: format_share(v),
    )
    return env


def render(kind: str, **context: Any) -> str:
    """Render a document template to Markdown."""
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}")
    return _env().get_template(f"{kind}.md.j2").render(**context).strip() + "\n"


def store(
    session: Session, *, policy: Policy, kind: str, title: str, body: str
) -> tuple[StageDocument, bool]:
    """Save a rendered document; the same text again changes nothing. Tell whether it changed."""
    digest = hashlib.sha256(body.encode()).hexdigest()
    doc = get_document(session, policy_id=policy.id, cycle=policy.cycle, kind=kind)  # type: ignore[arg-type]
    if doc is not None and doc.content_hash == digest:
        return doc, False
    if doc is None:
        doc = StageDocument(
            policy_id=policy.id,  # type: ignore[arg-type]
            cycle=policy.cycle,
            kind=kind,
            title=title[:400],
            body=body,
            content_hash=digest,
        )
    else:
        doc.title, doc.body, doc.content_hash, doc.updated_at = title[:400], body, digest, utcnow()
    session.add(doc)
    session.flush()
    return doc, True
