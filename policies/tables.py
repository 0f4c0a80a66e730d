"""Every table of Siklus, and every concept's outbox hooks: importing this module registers both.

The one place that knows every concept: the metadata is whole once it is imported, and the outbox
can tell which reminders are still worth sending (it refuses to decide before this has run).
"""

from sqlmodel import SQLModel

import policies.accounts.models
import policies.calendar.models
import policies.consultation.models
import policies.consultation.voice_models
import policies.digest.models
import policies.drafting.models
import policies.evaluation.followup.models
import policies.evaluation.models
import policies.lifecycle.models
import policies.outbox.models
import policies.rollout.models
import policies.workshops.models  # noqa: F401  (imported for their tables)
from policies.accounts import verification as account_verification
from policies.consultation import disavowal as consultation_disavowal
from policies.consultation import reminders as consultation_reminders
from policies.digest import reminders as digest_reminders
from policies.evaluation import reminders as evaluation_reminders
from policies.evaluation import staff_reminders as evaluation_staff_reminders
from policies.evaluation.followup import reminders as followup_reminders
from policies.lifecycle import reminders as lifecycle_reminders
from policies.outbox import hooks as outbox_hooks
from policies.rollout import reminders as rollout_reminders
from policies.workshops import reminders as workshop_reminders

metadata = SQLModel.metadata


def register_outbox_hooks() -> None:
    """Register every concept's reminder hooks with the outbox (again is harmless)."""
    evaluation_reminders.register()
    evaluation_staff_reminders.register()
    followup_reminders.register()
    consultation_reminders.register()
    consultation_disavowal.register()
    workshop_reminders.register()
    lifecycle_reminders.register()
    rollout_reminders.register()
    digest_reminders.register()
    account_verification.register()
    outbox_hooks.mark_complete()


register_outbox_hooks()
