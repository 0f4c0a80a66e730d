"""Every table of Siklus: importing this module registers each concept's tables on the metadata."""

from sqlmodel import SQLModel

import policies.accounts.models
import policies.consultation.models
import policies.drafting.models
import policies.evaluation.models
import policies.lifecycle.models
import policies.outbox.models
import policies.rollout.models
import policies.workshops.models  # noqa: F401  (imported for their tables)

metadata = SQLModel.metadata
