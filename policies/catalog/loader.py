"""Read and validate catalogue files; load them idempotently (twice changes nothing)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from sqlmodel import Session

from policies.accounts.access import SYSTEM
from policies.core.errors import InvalidInput
from policies.core.fields import FiniteNumber
from policies.drafting.versions import create_version
from policies.evaluation.ikm import UNSUR_CODES
from policies.evaluation.survey import PROFILE
from policies.lifecycle.actions import create_policy
from policies.lifecycle.models import PolicyKind
from policies.lifecycle.queries import find_kind, slug_taken

KINDS_DIR = Path(__file__).parent / "kinds"


class Spec(BaseModel):
    """A part of a catalogue file: an unknown key is a typo, refused rather than ignored."""

    model_config = ConfigDict(extra="forbid")


class RulesSpec(Spec):
    """Gate thresholds of a kind, and what it makes public."""

    min_consultation_days: int = Field(ge=1, le=90)
    min_workshops: int = Field(ge=0, le=20)
    socialization_reach_target: FiniteNumber = Field(ge=0, le=1)
    evaluation_cadence_months: int = Field(ge=1, le=12)
    evaluation_escalation_days: int = Field(ge=1, le=90)
    # Respondent reminders of a new round (the evaluator may change them per round).
    evaluation_reminder_max: int = Field(default=3, ge=0, le=10)
    evaluation_reminder_interval_days: int = Field(default=7, ge=1, le=60)
    # The smallest group of respondents a breakdown (by unit, golongan, years) shows on its own.
    evaluation_min_group_size: int = Field(default=5, ge=2, le=100)
    # Closing a round by hand below the Krejcie–Morgan minimum is refused (true) or only warned (false).
    evaluation_refuse_below_sample: bool = False
    # Whether the public sees the names and units of workshop attendees and mentoring pairs
    # (never their NIPs, which only the owning unit's staff and admins see); counts otherwise.
    attendance_public: bool = False
    # The answer clock (consultation/clocks.py): working days from the consultation's close by which
    # every comment is answered, and how many working days before that the drafters are reminded.
    answer_working_days: int = Field(default=10, ge=1, le=60)
    answer_reminder_working_days: int = Field(default=2, ge=0, le=20)


class IndicatorSpec(Spec):
    """An indicator every policy of the kind starts with."""

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    name_en: str
    unit: str
    baseline: FiniteNumber | None = None
    target: FiniteNumber
    direction: Literal["up", "down"]
    source: str = Field(
        pattern=r"^(ikm|acknowledgement_reach|mentoring_coverage|manual|survey_question:[a-z0-9_]+)$"
    )


class QuestionSpec(Spec):
    """One of the kind's own survey questions."""

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    type: Literal["scale", "single", "multi", "text"]
    text: str
    text_en: str
    options: list[str] = Field(default_factory=list)
    options_en: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _options_fit_type(self) -> QuestionSpec:
        if self.type == "scale" and len(self.options) != 4:
            raise ValueError(f"scale question {self.code} needs exactly 4 labels")
        if self.type in ("single", "multi") and len(self.options) < 2:
            raise ValueError(f"choice question {self.code} needs at least 2 options")
        if len(self.options_en) != len(self.options):
            raise ValueError(f"question {self.code}: options_en must match options")
        if len(set(self.options)) != len(self.options) or not all(o.strip() for o in self.options_en):
            raise ValueError(f"question {self.code}: options must be distinct and each have an English label")
        return self


class ExampleSpec(Spec):
    """The worked example policy of the kind."""

    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    region: str
    unit: str
    audience_size: int = Field(ge=0)
    draft: str


class KindSpec(Spec):
    """A whole catalogue file."""

    code: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    name: str
    name_en: str
    description: str
    description_en: str
    instrument_type: str
    rules: RulesSpec
    indicators: list[IndicatorSpec]
    survey_questions: list[QuestionSpec]
    example: ExampleSpec

    @model_validator(mode="after")
    def _question_codes_are_free(self) -> KindSpec:
        # Answers are stored by code beside the nine unsur and the profile: a clash would overwrite one.
        reserved = set(UNSUR_CODES) | {p["code"] for p in PROFILE}
        codes = [q.code for q in self.survey_questions]
        taken = sorted(set(codes) & reserved)
        if taken:
            raise ValueError(f"survey question codes {taken} are reserved for the unsur and the profile")
        if len(set(codes)) != len(codes):
            raise ValueError("survey question codes must be distinct")
        return self


@dataclass
class CatalogReport:
    """What a load changed."""

    kinds_created: list[str] = field(default_factory=list)
    kinds_updated: list[str] = field(default_factory=list)
    kinds_unchanged: list[str] = field(default_factory=list)
    policies_created: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Tell whether anything was written."""
        return bool(self.kinds_created or self.kinds_updated or self.policies_created)


@lru_cache(maxsize=64)
def _parse(raw: bytes) -> KindSpec:
    # Keyed by the file's bytes: an edited file is parsed again, an unchanged one (every policy
    # load, every stage flow asking for a template) is not re-read by YAML, which costs ~60 ms.
    return KindSpec.model_validate(yaml.safe_load(raw))


def read_specs(*, directory: Path = KINDS_DIR) -> list[tuple[KindSpec, str]]:
    """Parse and validate every catalogue file, with its content hash."""
    specs: list[tuple[KindSpec, str]] = []
    for path in sorted(directory.glob("*.yaml")):
        raw = path.read_bytes()
        try:
            spec = _parse(raw)
        except (ValidationError, yaml.YAMLError) as exc:
            raise InvalidInput(
                f"Berkas katalog {path.name} tidak valid: {exc}",
                en=f"The catalogue file {path.name} is not valid: {exc}",
                field=path.name,
            ) from exc
        if spec.code != path.stem:
            raise InvalidInput(
                f"Berkas {path.name} harus berkode '{path.stem}'.",
                en=f"The file {path.name} must have the code '{path.stem}'.",
                field=path.name,
            )
        specs.append((spec, hashlib.sha256(raw).hexdigest()))
    return specs


def load_catalog(session: Session, *, directory: Path = KINDS_DIR) -> CatalogReport:
    """Upsert every kind and create each missing example policy with its first draft."""
    report = CatalogReport()
    for spec, digest in read_specs(directory=directory):
        kind = find_kind(session, code=spec.code)
        values = {
            "name": spec.name,
            "name_en": spec.name_en,
            "description": spec.description,
            "description_en": spec.description_en,
            "instrument_type": spec.instrument_type,
            "rules": spec.rules.model_dump(),
            "indicators": [i.model_dump() for i in spec.indicators],
            "survey_questions": [q.model_dump() for q in spec.survey_questions],
            "source_hash": digest,
        }
        if kind is None:
            session.add(PolicyKind(code=spec.code, **values))
            report.kinds_created.append(spec.code)
        elif kind.source_hash != digest:
            for key, value in values.items():
                setattr(kind, key, value)
            session.add(kind)
            report.kinds_updated.append(spec.code)
        else:
            report.kinds_unchanged.append(spec.code)
        session.flush()
        example = spec.example
        if not slug_taken(session, slug=example.slug):
            fields = example.model_dump(exclude={"draft"})
            create_policy(session, actor=SYSTEM, kind_code=spec.code, **fields)
            create_version(
                session,
                actor=SYSTEM,
                slug=example.slug,
                body=example.draft,
                change_note="Draf awal dari katalog.",
            )
            report.policies_created.append(example.slug)
    return report
