"""Every table of Siklus; importing this module registers them all on the metadata."""

from sqlmodel import SQLModel

from policies.models.accounts import Account, ApiToken, IdempotencyRecord
from policies.models.base import (
    Channel,
    CommentSource,
    DeliveryState,
    Outcome,
    Role,
    Stage,
    StakeholderGroup,
    Stance,
    WorkState,
)
from policies.models.campaigns import CommentBand, CommentSignature
from policies.models.draft import Clause, DraftVersion
from policies.models.evaluation import (
    RevisionRecommendation,
    SurveyRespondent,
    SurveyResponse,
    SurveyRound,
)
from policies.models.outbox import Reminder
from policies.models.participation import (
    Campaign,
    Comment,
    CommentVote,
    ConsultationWindow,
    Disposition,
    Workshop,
    WorkshopAttendance,
    WorkshopOutcome,
)
from policies.models.policy import Indicator, Measurement, Policy, PolicyKind, StageEvent
from policies.models.rollout import Acknowledgement, Adoption, MentoringPair, SocializationSession
from policies.models.stagework import RevisionNote, StageDocument

metadata = SQLModel.metadata

__all__ = [
    "Account",
    "Acknowledgement",
    "Adoption",
    "ApiToken",
    "Campaign",
    "Channel",
    "Clause",
    "Comment",
    "CommentBand",
    "CommentSignature",
    "CommentSource",
    "CommentVote",
    "ConsultationWindow",
    "DeliveryState",
    "Disposition",
    "DraftVersion",
    "IdempotencyRecord",
    "Indicator",
    "Measurement",
    "MentoringPair",
    "Outcome",
    "Policy",
    "PolicyKind",
    "Reminder",
    "RevisionNote",
    "RevisionRecommendation",
    "Role",
    "SocializationSession",
    "Stage",
    "StageDocument",
    "StageEvent",
    "StakeholderGroup",
    "Stance",
    "SurveyRespondent",
    "SurveyResponse",
    "SurveyRound",
    "WorkState",
    "Workshop",
    "WorkshopAttendance",
    "WorkshopOutcome",
    "metadata",
]
