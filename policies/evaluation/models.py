"""Survey rounds, respondents, responses, recommendations, indicators and measurements."""

from __future__ import annotations

import random
import secrets
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from policies.core.columns import created_at_col, json_col, text_col, ts_col
from policies.core.db import UTCDateTime


class SurveyRound(SQLModel, table=True):
    """One periodic survey of a policy, with its question set frozen at opening."""

    __tablename__ = "survey_round"
    __table_args__ = (sa.UniqueConstraint("policy_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    policy_id: int = Field(foreign_key="policy.id", index=True)
    cycle: int
    number: int
    opens_at: datetime = Field(sa_type=UTCDateTime)
    closes_at: datetime = Field(sa_type=UTCDateTime, index=True)
    closed_at: datetime | None = ts_col()
    report_published_at: datetime | None = ts_col()
    # The public publication page (no account) exists once an evaluator publishes the closed round.
    results_public_at: datetime | None = ts_col()
    results_public_by_id: int | None = Field(default=None, foreign_key="account.id")
    questions: list[dict[str, Any]] = json_col(default_factory=list)
    opened_by_id: int | None = Field(default=None, foreign_key="account.id")
    reminder_max: int = Field(default=3, description="Reminders per respondent at most (LimeSurvey-like).")
    reminder_interval_days: int = Field(default=7, description="Days between two reminders at least.")
    results: dict[str, Any] = json_col(default_factory=dict)
    created_at: datetime = created_at_col()


class SurveyRespondent(SQLModel, table=True):
    """A member of a round's population; only the hash of their one-time token is kept."""

    __tablename__ = "survey_respondent"
    __table_args__ = (sa.UniqueConstraint("round_id", "nip"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="survey_round.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    # The plain token is an HMAC of the round, the respondent and this salt under the app secret,
    # so invitations and reminders can carry the link without it being stored; a new salt reissues it.
    token_salt: str = Field(max_length=32, default="")
    nip: str = Field(max_length=30)
    name: str = Field(max_length=200)
    unit: str = Field(max_length=200, default="")
    email: str = Field(max_length=254, default="")
    account_id: int | None = Field(default=None, foreign_key="account.id")
    # Whether, let alone when, this person answered is not kept here: see SurveyParticipation.
    invited_at: datetime | None = ts_col()
    reminders_sent: int = Field(default=0)
    last_reminded_at: datetime | None = ts_col()
    created_at: datetime = created_at_col()


class SurveyLinkIssue(SQLModel, table=True):
    """One issue or reissue of a respondent's survey link: who, when and why (the link is never kept)."""

    __tablename__ = "survey_link_issue"

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="survey_round.id", index=True)
    respondent_id: int = Field(foreign_key="survey_respondent.id", index=True)
    reissue: bool = False
    # The account that asked (None for the system's own work, whose name is kept in issued_by_name).
    issued_by_id: int | None = Field(default=None, foreign_key="account.id")
    issued_by_name: str = Field(max_length=200, default="")
    reason: str = text_col(default="")
    issued_at: datetime = created_at_col()


# Rows written when a respondent answers take ids from here, not from a sequence: an id that grows
# with each submission would order the answer sheets, and with them the respondents who answered.
ROW_ID_MAX = 2**31 - 1
# The operating system's generator; the insider tests swap in a seeded one to be repeatable.
ROW_RNG: random.Random = secrets.SystemRandom()


def random_row_id() -> int:
    """Return a random positive id that fits every database's integer."""
    return ROW_RNG.randrange(1, ROW_ID_MAX)


class SurveyParticipation(SQLModel, table=True):
    """That a respondent has answered (one answer each), without when, in which order or which sheet."""

    __tablename__ = "survey_participation"

    id: int = Field(
        default_factory=random_row_id, primary_key=True, sa_column_kwargs={"autoincrement": False}
    )
    round_id: int = Field(foreign_key="survey_round.id", index=True)
    respondent_id: int = Field(foreign_key="survey_respondent.id", unique=True)


class SurveyReceipt(SQLModel, table=True):
    """The hash of a receipt a respondent holds: proof that an answer was counted, not which one."""

    __tablename__ = "survey_receipt"

    id: int = Field(
        default_factory=random_row_id, primary_key=True, sa_column_kwargs={"autoincrement": False}
    )
    round_id: int = Field(foreign_key="survey_round.id", index=True)
    receipt_hash: str = Field(max_length=64, unique=True)


class SurveyResponse(SQLModel, table=True):
    """One submitted questionnaire: no link to its respondent, no time, a random id (anonymity)."""

    __tablename__ = "survey_response"

    id: int = Field(
        default_factory=random_row_id, primary_key=True, sa_column_kwargs={"autoincrement": False}
    )
    round_id: int = Field(foreign_key="survey_round.id", index=True)
    unit: str = Field(max_length=200, default="")
    golongan: str = Field(max_length=20, default="")
    years_of_service: int | None = None
    answers: dict[str, Any] = json_col(default_factory=dict)


class RevisionRecommendation(SQLModel, table=True):
    """Why a closed round recommends revising the policy; a drafter decides, never the system."""

    __tablename__ = "revision_recommendation"

    id: int | None = Field(default=None, primary_key=True)
    policy_id: int = Field(foreign_key="policy.id", index=True)
    cycle: int
    round_id: int = Field(foreign_key="survey_round.id", unique=True)
    reasons: list[dict[str, Any]] = json_col(default_factory=list)
    summary: str = text_col(default="")
    summary_en: str = text_col(default="")
    created_at: datetime = created_at_col()


class Indicator(SQLModel, table=True):
    """A measurable promise of a policy, copied from its kind and editable per policy."""

    __tablename__ = "indicator"
    __table_args__ = (sa.UniqueConstraint("policy_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    policy_id: int = Field(foreign_key="policy.id", index=True)
    code: str = Field(max_length=80)
    name: str = Field(max_length=300)
    name_en: str = Field(max_length=300, default="")
    unit: str = Field(max_length=60)
    baseline: float | None = None
    target: float
    direction: str = Field(max_length=8, default="up", description="up or down is better.")
    source: str = Field(max_length=120, default="manual")


class Measurement(SQLModel, table=True):
    """One value of an indicator, computed or entered, for a round or a date."""

    __tablename__ = "measurement"
    __table_args__ = (sa.UniqueConstraint("indicator_id", "round_id"),)

    id: int | None = Field(default=None, primary_key=True)
    indicator_id: int = Field(foreign_key="indicator.id", index=True)
    round_id: int | None = Field(default=None, foreign_key="survey_round.id")
    value: float
    measured_on: date
    note: str = text_col(default="")
    entered_by_id: int | None = Field(default=None, foreign_key="account.id")
    created_at: datetime = created_at_col()
