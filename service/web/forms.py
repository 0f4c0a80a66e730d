"""A page's form read into the API's request model: one validation, refused the way the page shows it."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Generic, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from starlette.datastructures import FormData

from policies.core.db import MAX_INTEGER
from policies.core.errors import DomainError, InvalidInput
from policies.core.fields import TextField
from policies.core.i18n import format_number

Model = TypeVar("Model", bound=BaseModel)
# What a text field's rule refuses: too long, too short, a NUL (the Text type's own check).
TEXT_REFUSALS = frozenset({"string_too_long", "string_too_short", "value_error"})
NO_LIMIT = 2**31
# What a field the page offers no words for reads when its value is refused.
UNREADABLE = (
    "Isian ini tidak dapat diterima: periksa lagi.",
    "This entry cannot be accepted: check it again.",
)


@dataclass(frozen=True)
class PageForm(Generic[Model]):
    """How a page's form fills one of the API's request models, and how a refused field reads."""

    model: type[Model]
    # API field -> the page's own refusal (Indonesian, English) of a value it does not offer.
    refusals: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    # The domain's rules of its texts: a refused text reads as its rule words it, in the model's bounds.
    texts: Sequence[TextField] = ()

    def parse(self, form: FormData, **given: object) -> Model:
        """Return the model of the form's fields (and the `given` ones), or refuse every bad one at once."""
        data: dict[str, object] = {}
        for name, info in self.model.model_fields.items():
            value = given[name] if name in given else form.get(name)
            # A blank optional field was not filled in: the model's default applies, as in the API.
            if value is None or (value == "" and not info.is_required()):
                continue
            data[name] = value if name in given else str(value)
        try:
            return self.model.model_validate(data)
        except ValidationError as exc:
            raise self._refusal(exc.errors(), data) from exc

    def _refusal(self, errors: list[ErrorDetails], data: Mapping[str, object]) -> InvalidInput:
        # Every refused field at once, each worded for a person: the page shows them all together.
        first_errors: dict[str, ErrorDetails] = {}
        for error in errors:
            first_errors.setdefault(".".join(str(part) for part in error["loc"]), error)
        return FormRefused(
            {name: self._field_refusal(name, error, data) for name, error in first_errors.items()}
        )

    def _field_refusal(self, name: str, error: ErrorDetails, data: Mapping[str, object]) -> InvalidInput:
        if name in self.refusals:
            said, said_en = self.refusals[name]
            return InvalidInput(said, en=said_en, field=name)
        rule, value = next((t for t in self.texts if t.field == name), None), data.get(name)
        if rule is not None and isinstance(value, str) and error["type"] in TEXT_REFUSALS:
            limits = error.get("ctx", {})
            bounded = replace(
                rule,
                max_chars=int(limits.get("max_length", rule.max_chars)),
                min_chars=int(limits.get("min_length", rule.min_chars)),
                strip=False,
            )
            try:
                bounded.clean(value)
            except InvalidInput as refused:
                return InvalidInput(refused.detail, en=refused.detail_en, field=name)
        if rule is not None and error["type"] == "missing":
            said, said_en = rule.blank or (f"{rule.label} wajib diisi.", f"{rule.label_en} is required.")
            return InvalidInput(said, en=said_en, field=name)
        said, said_en = _worded(error)
        return InvalidInput(said, en=said_en, field=name)


def _worded(error: ErrorDetails) -> tuple[str, str]:
    """Word a refused value for a person, by what was wrong with it (never by the field's name)."""
    limits, kind = error.get("ctx", {}), error["type"]
    if kind == "missing" or (kind == "string_too_short" and int(limits.get("min_length", 0)) <= 1):
        return "Wajib diisi.", "This field is required."
    if kind == "string_too_long":
        most = int(limits["max_length"])
        return (
            f"Paling panjang {format_number(most)} karakter.",
            f"At most {format_number(most, locale='en')} characters.",
        )
    if kind == "string_too_short":
        least = int(limits["min_length"])
        return (
            f"Minimal {format_number(least)} karakter.",
            f"At least {format_number(least, locale='en')} characters.",
        )
    for bound, said, said_en in (("ge", "paling kecil", "at least"), ("le", "paling besar", "at most")):
        if bound in limits and isinstance(limits[bound], int | float):
            value = limits[bound]
            return (
                f"Isi angka {said} {format_number(value)}.",
                f"Give a number {said_en} {format_number(value, locale='en')}.",
            )
    return UNREADABLE


class FormRefused(InvalidInput):
    """A form's refusal naming every refused field at once; `field` and the message are the first's."""

    def __init__(self, refusals: Mapping[str, InvalidInput]) -> None:
        first_name, first = next(iter(refusals.items()))
        super().__init__(first.detail, en=first.detail_en, field=first_name)
        self.refusals = dict(refusals)


def errors_of(exc: DomainError, *, locale: str, where: str = "form") -> dict[str, str]:
    """Return a refusal's messages in the visitor's language by field (every field of a form at once);
    a refusal that names no field goes under `where`."""
    if isinstance(exc, FormRefused):
        return {name: refused.in_language(locale)[1] for name, refused in exc.refusals.items()}
    return {getattr(exc, "field", None) or where: exc.in_language(locale)[1]}


def errors_on(
    exc: DomainError, *, locale: str, fields: Mapping[str, str] | Collection[str], where: str = "form"
) -> dict[str, str]:
    """Return every refusal of a form placed on the page's fields (a mapping renames API fields to
    the page's); one the form has no field for goes under `where`."""
    placed: dict[str, str] = {}
    for name, said in errors_of(exc, locale=locale, where=where).items():
        spot = fields.get(name) if isinstance(fields, Mapping) else (name if name in fields else None)
        placed.setdefault(spot or where, said)
    return placed


def text(
    field: str, label: str, label_en: str, *, blank: tuple[str, str] | None = None, single_line: bool = False
) -> TextField:
    """Return a text rule for a form's `texts` whose bounds are the model's (its label words a refusal)."""
    return TextField(field, label, label_en, NO_LIMIT, blank=blank, single_line=single_line)


def form_id(source: Mapping[str, object], name: str) -> int:
    """Return the row id a form field names, or 0 when it names none (a lookup of 0 finds nothing)."""
    value = str(source.get(name) or "").strip()
    return int(value) if value.isdigit() and int(value) <= MAX_INTEGER else 0
