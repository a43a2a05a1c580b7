from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from monitoring.models import (
    ActivitySession,
    Assessment,
    CaseEvaluation,
    DailyLog,
    DeviceMetric,
    Flag,
    Notification,
)


@admin.register(DailyLog)
class DailyLogAdmin(SimpleHistoryAdmin):
    list_display = (
        "athlete",
        "date",
        "pain_rest",
        "pain_during",
        "pain_after",
        "pain_next_morning",
        "pain_character",
        "night_pain",
        "source",
    )
    list_filter = ("source", "pain_character", "night_pain", "swelling")
    search_fields = ("athlete__first_name", "athlete__last_name", "note")
    date_hierarchy = "date"
    list_select_related = ("athlete",)
    raw_id_fields = ("athlete", "submitted_by")


@admin.register(ActivitySession)
class ActivitySessionAdmin(admin.ModelAdmin):
    list_display = ("athlete", "date", "activity", "minutes", "rpe", "surface", "source")
    list_filter = ("activity", "surface", "source")
    search_fields = ("athlete__first_name", "athlete__last_name", "external_id")
    date_hierarchy = "date"
    list_select_related = ("athlete",)
    raw_id_fields = ("athlete", "submitted_by")


@admin.register(DeviceMetric)
class DeviceMetricAdmin(admin.ModelAdmin):
    list_display = ("athlete", "metric", "value", "unit", "recorded_at", "source")
    list_filter = ("metric", "source")
    search_fields = ("athlete__last_name", "external_id")
    list_select_related = ("athlete",)
    raw_id_fields = ("athlete",)


@admin.register(Assessment)
class AssessmentAdmin(SimpleHistoryAdmin):
    list_display = ("case", "date", "test", "value", "pain", "assessed_by")
    list_filter = ("test",)
    search_fields = ("case__athlete__last_name", "notes")
    list_select_related = ("case__athlete", "assessed_by")
    raw_id_fields = ("case", "assessed_by")


@admin.register(Flag)
class FlagAdmin(SimpleHistoryAdmin):
    list_display = ("case", "kind", "status", "title", "raised_at")
    list_filter = ("kind", "status")
    search_fields = ("case__athlete__last_name", "title", "message")
    list_select_related = ("case__athlete",)
    raw_id_fields = ("case", "phase", "proposed_phase", "acknowledged_by", "resolved_by")
    readonly_fields = ("evaluation",)


@admin.register(CaseEvaluation)
class CaseEvaluationAdmin(admin.ModelAdmin):
    list_display = ("case", "phase", "evaluated_for", "evaluated_at")
    list_select_related = ("case__athlete", "phase")
    raw_id_fields = ("case", "phase")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "title", "created_at", "read_at")
    list_select_related = ("recipient",)
    raw_id_fields = ("recipient", "case", "flag")


# Care-team notes, reviews, goals and education cards (monitoring.models.care).
from monitoring.models.care import CaseNote, EducationCard, Goal, NotificationSetting, Review  # noqa: E402


@admin.register(CaseNote)
class CaseNoteAdmin(admin.ModelAdmin):
    list_display = ("case", "audience", "author", "addressed_to", "created_at")
    list_filter = ("audience",)
    raw_id_fields = ("case", "author", "addressed_to", "flag")


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("case", "kind", "due_on", "status", "booster", "repeat_weeks")
    list_filter = ("status", "kind", "booster")
    raw_id_fields = ("case", "scheduled_by", "done_by")


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ("text", "case", "phase", "done_at")
    raw_id_fields = ("case", "phase", "set_by")


@admin.register(EducationCard)
class EducationCardAdmin(admin.ModelAdmin):
    list_display = ("title", "key", "phase", "order")
    raw_id_fields = ("phase",)


admin.site.register(NotificationSetting)
