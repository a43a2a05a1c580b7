from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from protocols.models import (
    Exercise,
    Impact,
    PhaseTemplate,
    PhaseTransition,
    Plan,
    PlanEdit,
    PlanPhase,
    ProtocolTemplate,
)


class PhaseTemplateInline(admin.StackedInline):
    model = PhaseTemplate
    extra = 0
    fields = (
        ("order", "name"),
        "goal",
        ("min_days", "typical_days"),
        ("weight_bearing", "crutches", "impact"),
        "prescriptions",
        "advance_when",
        "regress_when",
        "warn_when",
        "citations",
        "notes",
    )


@admin.register(ProtocolTemplate)
class ProtocolTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "version", "status", "risk", "conservative", "shipped")
    list_filter = ("status", "risk", "conservative", "shipped")
    search_fields = ("name", "slug", "summary")
    readonly_fields = ("published_at", "published_by", "created_at", "created_by")
    inlines = [PhaseTemplateInline]

    def has_change_permission(self, request, obj=None):
        # Published versions are frozen: edit a new draft version instead.
        if obj is not None and obj.is_frozen:
            return False
        return super().has_change_permission(request, obj)


class PlanPhaseInline(admin.StackedInline):
    model = PlanPhase
    extra = 0
    fields = (
        ("order", "name"),
        ("started_on", "ended_on", "signed_off_on", "signed_off_by"),
        ("min_days", "typical_days"),
        ("weight_bearing", "crutches", "impact"),
        "prescriptions",
        "advance_when",
        "regress_when",
        "warn_when",
        "notes",
    )
    readonly_fields = ("signed_off_by",)


class TransitionInline(admin.TabularInline):
    model = PhaseTransition
    extra = 0
    fields = ("kind", "from_phase", "to_phase", "effective_on", "decided_by", "reason")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # decisions are made on the case page, where the evaluation is shown


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ("name", "case", "status", "current_phase", "started_on")
    list_filter = ("status", "template")
    search_fields = ("name", "case__athlete__first_name", "case__athlete__last_name")
    list_select_related = ("case__athlete", "current_phase")
    raw_id_fields = ("case", "current_phase")
    inlines = [PlanPhaseInline, TransitionInline]


@admin.register(PhaseTransition)
class PhaseTransitionAdmin(admin.ModelAdmin):
    list_display = ("plan", "kind", "from_phase", "to_phase", "effective_on", "decided_by")
    list_filter = ("kind",)
    search_fields = ("plan__case__athlete__last_name", "reason")
    list_select_related = ("plan__case__athlete", "from_phase", "to_phase", "decided_by")
    readonly_fields = (
        "plan",
        "kind",
        "from_phase",
        "to_phase",
        "effective_on",
        "decided_at",
        "decided_by",
        "reason",
        "evaluation",
    )


@admin.register(PlanEdit)
class PlanEditAdmin(admin.ModelAdmin):
    list_display = ("plan", "edited_by", "edited_at", "reason")
    list_select_related = ("plan__case__athlete", "edited_by")
    readonly_fields = ("plan", "edited_by", "edited_at", "reason", "changes")


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    """The exercise library: a clinic adds its own exercises here (``shipped`` off); the shipped
    ones are installed from protocols/library/data/exercises.yaml and reinstalled on update."""

    list_display = ("name", "key", "trains", "impact", "shipped")
    list_filter = ("trains", "impact", "shipped")
    search_fields = ("name", "key")
    readonly_fields = ("shipped", "created_by", "updated_at")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "impact":  # the phases' scale: a phase allows up to its own
            return forms.ChoiceField(choices=Impact.choices, label="Bone load (impact)")
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
