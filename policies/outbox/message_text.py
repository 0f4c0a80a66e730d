"""A reminder in words: its subject and body in the recipient's language, with what its concept adds."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path

import jinja2

from policies.core.fields import one_line
from policies.core.i18n import LOCALES, format_date, format_datetime, format_number
from policies.outbox import hooks
from policies.outbox.models import Reminder

TEMPLATES = Path(__file__).parent / "templates"


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES / "email"),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # plain-text emails
    )
    return env


def render_email(
    reminder: Reminder, *, base_url: str, tz: str = "Asia/Jakarta", secret: str = ""
) -> tuple[str, str]:
    """Render a reminder's subject and body in its recipient's language (personal links need the secret)."""
    locale = reminder.locale if reminder.locale in LOCALES else "id"
    env = _env()
    name = f"{reminder.template}.{locale}.txt"
    template = env.get_template(name if name in env.list_templates() else f"notice.{locale}.txt")
    ctx = dict(reminder.context)
    # Some producers name the policy's fields with a prefix; templates read the short names.
    ctx.setdefault("title", ctx.get("policy_title", ""))
    ctx.setdefault("slug", ctx.get("policy_slug", ""))
    # A title stored before titles were single-line must not end the subject (or forge a header).
    for name in ("title", "policy_title", "subject", "subject_en"):
        if isinstance(ctx.get(name), str):
            ctx[name] = one_line(ctx[name])

    def when(value: str | None) -> str:
        return format_datetime(datetime.fromisoformat(value), locale=locale, tz=tz) if value else "—"

    def day(value: str | None) -> str:
        return format_date(datetime.fromisoformat(value), locale=locale, tz=tz) if value else "—"

    def number(value: object) -> str:
        # Counts read as the recipient's language writes them: "5.000 masukan", "5,000 comments".
        return format_number(value, locale=locale) if isinstance(value, int | float) else str(value)

    text = template.render(
        ctx=ctx,
        number=number,
        url=f"{base_url.rstrip('/')}/policies/{ctx.get('slug', '')}".rstrip("/"),
        base_url=base_url.rstrip("/"),
        **hooks.extras(reminder, base_url=base_url, secret=secret),
        when=when,
        day=day,
    )
    subject, _, body = text.partition("\n\n")
    return one_line(subject.removeprefix("Subject:")), body.strip() + "\n"
