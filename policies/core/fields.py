"""Rules of typed input shared by every entry point (API, pages, CLI): text (required, length, no
NUL, one line) and numbers (finite)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated

from pydantic import AfterValidator, Field

from policies.core.errors import InvalidInput
from policies.core.i18n import format_number


def clean_text(
    value: str,
    *,
    field: str,
    label: str,
    label_en: str,
    max_chars: int,
    min_chars: int = 0,
    strip: bool = True,
    single_line: bool = False,
) -> str:
    """Return the text (stripped), or refuse it naming the field, in both languages.

    `min_chars=1` makes the field required; `label` starts the Indonesian message, `label_en`
    the English one. NUL is refused because PostgreSQL cannot store it in a text column;
    `single_line` refuses line breaks (a title or a name ends up in an email's headers).
    """
    text = value.strip() if strip else value
    if "\x00" in text:
        raise InvalidInput(
            f"{label} memuat karakter yang tidak diizinkan (NUL). Hapus karakter itu lalu kirim lagi.",
            en=f"{label_en} contains a character that is not allowed (NUL). Remove it and send again.",
            field=field,
        )
    if single_line and not is_single_line(text):
        raise InvalidInput(
            f"{label} harus satu baris: hapus baris baru, tab dan karakter kontrol lainnya lalu kirim lagi.",
            en=f"{label_en} must be a single line: remove line breaks, tabs and other control characters "
            "and send again.",
            field=field,
        )
    if min_chars and not text.strip():
        raise InvalidInput(f"{label} wajib diisi.", en=f"{label_en} is required.", field=field)
    if len(text) < min_chars:
        raise InvalidInput(
            f"{label} minimal {format_number(min_chars)} karakter.",
            en=f"{label_en} needs at least {format_number(min_chars, locale='en')} characters.",
            field=field,
        )
    if len(text) > max_chars:
        raise InvalidInput(
            f"{label} paling panjang {format_number(max_chars)} karakter "
            f"(yang dikirim {format_number(len(text))}).",
            en=f"{label_en} may be at most {format_number(max_chars, locale='en')} characters long "
            f"(this one has {format_number(len(text), locale='en')}).",
            field=field,
        )
    return text


@dataclass(frozen=True)
class TextField:
    """One typed-text field's rule: its name, its label in both languages, its length bounds."""

    field: str
    label: str
    label_en: str
    max_chars: int
    min_chars: int = 0
    strip: bool = True
    # A title or a name: it lands in email subjects and headers, so it stays on one line.
    single_line: bool = False
    # A required field's own refusal of a blank value (Indonesian, English), where it says more.
    blank: tuple[str, str] | None = None

    def clean(self, value: str) -> str:
        """Return the value as `clean_text` leaves it, or refuse it naming this field."""
        if self.blank is not None and not value.strip():
            raise InvalidInput(self.blank[0], en=self.blank[1], field=self.field)
        return clean_text(
            value,
            field=self.field,
            label=self.label,
            label_en=self.label_en,
            max_chars=self.max_chars,
            min_chars=self.min_chars,
            strip=self.strip,
            single_line=self.single_line,
        )


def clean_texts(fields: Sequence[TextField], **values: str) -> dict[str, str]:
    """Return each value cleaned by its field's rule, in the rules' order, keyed by field name."""
    return {f.field: f.clean(values[f.field]) for f in fields}


# Every character that ends or breaks a line somewhere: CR, LF, the other C0/C1 controls, and
# Unicode's line and paragraph separators (str.splitlines breaks on all of them). NUL has its own
# refusal (the Text type's, clean_text's).
_LINE_BREAKING = frozenset(chr(c) for c in (*range(0x01, 0x20), 0x7F, *range(0x80, 0xA0), 0x2028, 0x2029))


def is_single_line(value: str) -> bool:
    """Tell whether a text stays on one line wherever it lands (a header, a subject, a table cell)."""
    return not any(ch in _LINE_BREAKING for ch in value)


def one_line(value: str) -> str:
    """Return the text on one line: each run of whitespace and control characters becomes a space."""
    return " ".join("".join(" " if ch in _LINE_BREAKING or ch == "\x00" else ch for ch in value).split())


def single_line(value: str) -> str:
    """Refuse a text that breaks a line (a title or a name lands in email headers and subjects)."""
    if not is_single_line(value):
        raise ValueError(
            "must be a single line: remove line breaks, tabs and other control characters "
            "(harus satu baris: hapus baris baru, tab dan karakter kontrol lainnya)"
        )
    return value


# A title or a name: one line, because it lands in email subjects and headers.
SingleLine = Annotated[str, AfterValidator(single_line)]


# Every number a request, a form or a catalogue file carries. JSON parsers read `Infinity`, `NaN`
# and `1e309` as floats no column can give back as JSON: refused where they enter, never stored.
FiniteNumber = Annotated[
    float, Field(allow_inf_nan=False, description="Bilangan berhingga (bukan Infinity atau NaN).")
]


def finite_number(value: float | None, *, field: str, label: str, label_en: str) -> float | None:
    """Return the number (or None), or refuse an infinite or NaN one naming the field, in both languages."""
    if value is not None and not math.isfinite(value):
        raise InvalidInput(
            f"{label} harus berupa bilangan berhingga (bukan Infinity atau NaN).",
            en=f"{label_en} must be a finite number (not Infinity or NaN).",
            field=field,
        )
    return value
