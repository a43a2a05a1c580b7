"""What athletes, devices and clinicians record, and the flags the evaluation raises.

``records`` holds the logs, sessions, device metrics and assessments; ``flags`` what the
evaluation raises and keeps; ``care`` the care team's notes, reviews, goals and cards.
"""

from monitoring.models.batteries import BatteryResult, TestBattery
from monitoring.models.bone import BoneHealthResult, EnergyAvailability, WorkupTask
from monitoring.models.care import (
    CaseNote,
    EducationCard,
    Goal,
    NotificationSetting,
    PushSubscription,
    Review,
)
from monitoring.models.exercises import ExerciseCompletion
from monitoring.models.fields import DocumentField, JSONTextField
from monitoring.models.files import ActivityFile
from monitoring.models.flags import CaseEvaluation, Flag, Notification
from monitoring.models.gait import GaitCheck
from monitoring.models.readiness import ReadinessQuestionnaire
from monitoring.models.records import (
    ActivitySession,
    Assessment,
    DailyLog,
    DeviceMetric,
    ReminderPreference,
    Shoe,
    Source,
    ValueConflict,
)
from monitoring.models.webhooks import WebhookDelivery, WebhookEndpoint

__all__ = [
    "BoneHealthResult",
    "EnergyAvailability",
    "WorkupTask",
    "ActivityFile",
    "ActivitySession",
    "Assessment",
    "BatteryResult",
    "CaseEvaluation",
    "CaseNote",
    "DailyLog",
    "DeviceMetric",
    "ValueConflict",
    "DocumentField",
    "EducationCard",
    "ExerciseCompletion",
    "Flag",
    "GaitCheck",
    "Goal",
    "JSONTextField",
    "Notification",
    "WebhookDelivery",
    "WebhookEndpoint",
    "NotificationSetting",
    "PushSubscription",
    "ReadinessQuestionnaire",
    "ReminderPreference",
    "Review",
    "Shoe",
    "Source",
    "TestBattery",
]
