"""Writes of care-team communication, one module each: notes, reviews, goals, education cards,
the bone-health review and notification settings. Keyword-only, atomic, validating, raising
``ApplicationError``.

E-mails are queued with ``transaction.on_commit`` (never from a signal): a worker reads only
what was committed, and a broker that is down never undoes the write.
"""

from monitoring.care.services.bone_health import (
    bone_health_review_record,
    femoral_neck_record,
    reds_screen_record,
)
from monitoring.care.services.bone_hold import (
    bone_health_decision_record,
    hold_active,
    impact_hold,
    nutritionist_bring_in,
)
from monitoring.care.services.bone_screens import reds_cat2_record
from monitoring.care.services.cards import (
    cards_restore,
    cards_snapshot,
    education_card_delete,
    education_card_save,
    install_shipped_cards,
)
from monitoring.care.services.cycle import (
    cycle_consent_set,
    period_start_delete,
    period_start_record,
)
from monitoring.care.services.goals import GOAL_MAX_OPEN, goal_create, goal_tick
from monitoring.care.services.notes import NOTE_MAX, message_send, note_create
from monitoring.care.services.notifications import (
    clinical_team_ids,
    notification_settings_for,
    notification_settings_update,
    team_change_notify,
    wants,
)
from monitoring.care.services.push import (
    push_enabled,
    push_queue,
    push_ready,
    push_subscribe,
    push_unsubscribe,
)
from monitoring.care.services.reviews import (
    REVIEW_HORIZON_DAYS,
    maintenance_state,
    review_cancel,
    review_claim_overdue_notice,
    review_complete,
    review_schedule,
)

__all__ = [
    "bone_health_decision_record",
    "cycle_consent_set",
    "hold_active",
    "impact_hold",
    "nutritionist_bring_in",
    "period_start_delete",
    "period_start_record",
    "reds_cat2_record",
    "push_enabled",
    "push_queue",
    "push_ready",
    "push_subscribe",
    "push_unsubscribe",
    "team_change_notify",
    "GOAL_MAX_OPEN",
    "NOTE_MAX",
    "REVIEW_HORIZON_DAYS",
    "bone_health_review_record",
    "cards_restore",
    "cards_snapshot",
    "clinical_team_ids",
    "education_card_delete",
    "education_card_save",
    "femoral_neck_record",
    "goal_create",
    "goal_tick",
    "install_shipped_cards",
    "maintenance_state",
    "message_send",
    "note_create",
    "notification_settings_for",
    "notification_settings_update",
    "reds_screen_record",
    "review_cancel",
    "review_claim_overdue_notice",
    "review_complete",
    "review_schedule",
    "wants",
]
