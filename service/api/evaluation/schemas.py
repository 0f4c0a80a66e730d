"""Request and response bodies of the evaluation API (results: the domain's ResultsPublic, as stored)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, Field, WithJsonSchema

from policies.evaluation.survey import MAX_TEXT, MAX_YEARS_OF_SERVICE


class QuestionPublic(BaseModel):
    """One question of a survey."""

    code: str
    group: Literal["unsur", "kind", "profile"]
    type: str
    required: bool
    text: str
    text_en: str
    options: list[str]
    options_en: list[str]


class RoundIn(BaseModel):
    """When a round opens and closes (defaults: now, and 30 days later) and how respondents are reminded."""

    opens_at: AwareDatetime | None = None
    closes_at: AwareDatetime | None = None
    reminder_max: int | None = Field(
        default=None, ge=0, le=10, description="Reminders per respondent at most; default: the kind's (3)."
    )
    reminder_interval_days: int | None = Field(
        default=None, ge=1, le=60, description="Days between two reminders at least; default: the kind's (7)."
    )


class RoundPublic(BaseModel):
    """A survey round with its counts (totals only) beside the Krejcie–Morgan target sample."""

    id: int
    policy_slug: str
    cycle: int
    number: int
    opens_at: datetime
    closes_at: datetime
    closed_at: datetime | None
    report_published_at: datetime | None
    reminder_max: int
    reminder_interval_days: int
    population: int
    invited: int = Field(description="Respondents whose invitation has been queued.")
    responses: int = Field(description="Answer sheets received (a total: who answered is never shown).")
    target_sample: int = Field(
        description="The minimum sample: the Krejcie–Morgan table's value for the population."
    )
    shortfall: int = Field(description="Answers still missing to reach the minimum sample (0 when reached).")
    sample_adequate: bool
    sample_rule: Literal["warn", "refuse"] = Field(
        description="The kind's rule for closing below the minimum sample by hand: warn, or refuse (409)."
    )
    sample_warning: str = Field(description="The shortfall in words (Indonesian; empty when adequate).")
    sample_warning_en: str
    margin_of_error: str | None = Field(
        description="95 % margin of error in percentage points with the finite population correction, "
        'e = 1,96·√(0,25/n)·√((N−n)/(N−1)), rounded half-up ("11.24"); null without answers.'
    )
    results_public_at: datetime | None = Field(
        description="When an evaluator published the closed round's results on its public page."
    )


class RoundPage(BaseModel):
    """A page of rounds; pass `next` as `after` for the following page."""

    items: list[RoundPublic]
    next: str | None


class PopulationPublic(BaseModel):
    """What an upload added and which NIPs were already there; the links go to the respondents only."""

    added: int = Field(description="Respondents added; each is invited by email and in-app inbox.")
    skipped_existing: list[str]
    unreachable: list[str] = Field(
        description="NIPs added with neither an email nor an account: no invitation can reach them "
        "(links go to respondents only, never through staff)."
    )
    population: int
    invited: int
    target_sample: int


class AccountsIn(BaseModel):
    """Which accounts to add as respondents (all active ones, or one unit's)."""

    unit: str | None = Field(default=None, max_length=200)


class RespondentPublic(BaseModel):
    """A member of the population: never the token, never whether or when they answered."""

    id: int
    nip: str
    name: str
    unit: str
    email: str


class ReissueIn(BaseModel):
    """Why a respondent's link is reissued; the respondent reads it with the new link."""

    reason: str = Field(
        min_length=1, max_length=500, examples=["Email undangan terhapus; diminta responden."]
    )


class LinkIssuePublic(BaseModel):
    """One issue or reissue of a respondent's link: who, when and why (the link only they get)."""

    respondent_id: int
    reissue: bool
    issued_by_id: int | None
    issued_by_name: str
    reason: str
    issued_at: datetime


class RespondentPage(BaseModel):
    """A page of respondents."""

    items: list[RespondentPublic]
    next: str | None


class QuestionnairePublic(BaseModel):
    """The questionnaire a token opens."""

    round_id: int
    policy_title: str
    closes_at: datetime
    answered: bool
    questions: list[QuestionPublic]


# The documented shape of an answer sheet. The domain checks each answer against its question and
# names every question at fault in one 422 (`questions`), so the body is not refused field by field here.
ANSWERS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "One answer per question code of the questionnaire (GET /survey): a `scale` question "
    "takes an integer 1–4; `single` one of its `options` (the profile's `unit` too, when the population "
    "names units); `multi` a list of its `options`; `number` (years_of_service) an integer "
    f"0–{MAX_YEARS_OF_SERVICE}; `text` a string of at most {MAX_TEXT} characters. Every `required` "
    'question must be answered; optional ones may be left out, "" or []. An unknown code is refused.',
    "propertyNames": {"type": "string", "minLength": 1, "maxLength": 80},
    "additionalProperties": {
        "anyOf": [
            {"type": "integer", "minimum": 0, "maximum": MAX_YEARS_OF_SERVICE, "title": "scale or number"},
            {"type": "string", "maxLength": MAX_TEXT, "title": "single or text"},
            {"type": "array", "items": {"type": "string"}, "title": "multi"},
        ]
    },
    "examples": [
        {
            "u1": 4,
            "u2": 3,
            "format_pelatihan": "Daring mandiri",
            "saran": "Perbanyak pelatihan daring.",
            "unit": "Dinas Kesehatan",
            "golongan": "III",
            "years_of_service": 8,
        }
    ],
}


class ResponseIn(BaseModel):
    """An answer sheet; the token comes in the X-Survey-Token header (or here, as `token`)."""

    token: str | None = Field(default=None, max_length=200, description="Prefer the X-Survey-Token header.")
    answers: Annotated[dict[str, Any], WithJsonSchema(ANSWERS_SCHEMA)]


class ResponseReceipt(BaseModel):
    """Confirmation that an answer sheet was saved, with the receipt only its respondent is given."""

    round_id: int
    receipt: str = Field(
        description="Kode tanda terima: simpan; dengannya Anda dapat memastikan jawaban Anda terhitung "
        "(POST /survey/receipts/check) tanpa siapa pun tahu jawaban mana milik Anda. "
        "Tidak dapat diminta ulang."
    )


class ReceiptIn(BaseModel):
    """A receipt code to check, as it was shown (dashes and spaces may be left out)."""

    receipt: str = Field(min_length=1, max_length=64)


class ReceiptCheckPublic(BaseModel):
    """An answer with this receipt was counted in this round (never which answer it was)."""

    counted: bool
    round_id: int
    round_number: int
    policy_slug: str
    policy_title: str
    round_closed: bool
