"""Request and response bodies of the evaluation API (results: the domain's ResultsPublic, as stored)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, Field

from policies.evaluation.population import IssuedToken


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
    """A survey round with its counts beside the Krejcie–Morgan target sample."""

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
    responses: int
    target_sample: int


class RoundPage(BaseModel):
    """A page of rounds; pass `next` as `after` for the following page."""

    items: list[RoundPublic]
    next: str | None


class TokenPublic(IssuedToken):
    """A one-time token, shown only in this response: put it in the invitation link."""

    link: str


class PopulationPublic(BaseModel):
    """What an upload added (with the tokens, once) and which NIPs were already there."""

    issued: list[TokenPublic]
    skipped_existing: list[str]
    population: int
    target_sample: int


class AccountsIn(BaseModel):
    """Which accounts to add as respondents (all active ones, or one unit's)."""

    unit: str | None = Field(default=None, max_length=200)


class RespondentPublic(BaseModel):
    """A respondent as the evaluator sees them: never the token, never the answers."""

    id: int
    nip: str
    name: str
    unit: str
    email: str
    responded: bool
    reminders_sent: int


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


class ResponseIn(BaseModel):
    """An answer sheet: {question code: answer}; the token may come here or in the X-Survey-Token header."""

    token: str | None = Field(default=None, max_length=200)
    answers: dict[str, Any]


class ResponseReceipt(BaseModel):
    """Confirmation that an answer sheet was saved."""

    round_id: int
    submitted_on: str
