"""How the record names an input an officer recorded: its channel, who gave it, the occasion and the day."""

from __future__ import annotations

from policies.consultation.models import CommentSource
from policies.consultation.voice_models import CommentOrigin
from policies.core.i18n import format_date

# How the record names a recorded input's channel and occasion, in each language.
_SAID = {
    "id": {
        CommentSource.ORAL: "Disampaikan lisan oleh {who} pada {occasion}, {on}",
        CommentSource.WORKSHOP: "Disampaikan oleh {who} pada lokakarya {occasion}, {on}",
        CommentSource.PAPER: "Disampaikan tertulis (formulir kertas) oleh {who} pada {occasion}, {on}",
        CommentSource.LETTER: "Disampaikan melalui surat oleh {who} ({occasion}), {on}",
    },
    "en": {
        CommentSource.ORAL: "Given orally by {who} at {occasion}, {on}",
        CommentSource.WORKSHOP: "Given by {who} at the workshop {occasion}, {on}",
        CommentSource.PAPER: "Given in writing (paper form) by {who} at {occasion}, {on}",
        CommentSource.LETTER: "Sent by letter by {who} ({occasion}), {on}",
    },
}


def attribution_of(*, source: str, who: str, origin: CommentOrigin, locale: str = "id") -> str:
    """Say who gave an input through `source` and on what occasion, in the reader's language."""
    lang = "en" if locale == "en" else "id"
    said = _SAID[lang].get(CommentSource(source), _SAID[lang][CommentSource.ORAL])
    return said.format(who=who, occasion=origin.occasion, on=format_date(origin.occasion_on, locale=lang))
