"""A page's form read into the API's request model: one validation, refused the way the page shows it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Generic, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from starlette.datastructures import FormData

from policies.core.errors import InvalidInput
from policies.core.fields import TextField
from service.problems import check_fields

Model = TypeVar("Model", bound=BaseModel)
# What a text field's rule refuses: too long, too short, a NUL (the Text type's own check).
TEXT_REFUSALS = frozenset({"string_too_long", "string_too_short", "value_error"})
NO_LIMIT = 2**31


@dataclass(frozen=True)
class PageForm(Generic[Model]):
    """How a page's form fills one of the API's request models, and how a refused field reads."""

    model: type[Model]
    # API field -> the page's own refusal (Indonesian, English) of a value it does not offer.
    refusals: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    # The domain's rules of its texts: a refused text reads as its rule words it, in the model's bounds.
    texts: Sequence[TextField] = ()

    def parse(self, form: FormData, **given: object) -> Model:
        """Return the model of the form's fields (and the `given` ones), or refuse the first bad one."""
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
        names = [".".join(str(part) for part in error["loc"]) for error in errors]
        first, error = names[0], errors[0]
        if first in self.refusals:
            said, said_en = self.refusals[first]
            return InvalidInput(said, en=said_en, field=first)
        rule, value = next((t for t in self.texts if t.field == first), None), data.get(first)
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
                return refused
        # Otherwise the page says what the API says of the same body: which fields to check.
        said, said_en = check_fields(", ".join(dict.fromkeys(names)))
        return InvalidInput(said, en=said_en, field=first)


def text(
    field: str, label: str, label_en: str, *, blank: tuple[str, str] | None = None, single_line: bool = False
) -> TextField:
    """Return a text rule for a form's `texts` whose bounds are the model's (its label words a refusal)."""
    return TextField(field, label, label_en, NO_LIMIT, blank=blank, single_line=single_line)
