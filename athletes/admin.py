from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from athletes.models import Athlete, CareTeamMember, Case, IntegrationGrant, Team, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "last_name", "kind", "email", "is_active")
    list_filter = ("kind", "is_active", "is_staff")
    fieldsets = (*BaseUserAdmin.fieldsets, ("Role", {"fields": ("kind",)}))
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, ("Role", {"fields": ("kind",)}))


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "sport")
    search_fields = ("name", "sport")
    filter_horizontal = ("staff",)


class CaseInline(admin.TabularInline):
    model = Case
    extra = 0
    fields = ("site", "side", "risk", "grade", "diagnosed_on", "status")
    show_change_link = True


@admin.register(Athlete)
class AthleteAdmin(admin.ModelAdmin):
    list_display = ("last_name", "first_name", "sport", "team", "user")
    list_filter = ("team", "sex")
    search_fields = ("first_name", "last_name", "sport", "user__username")
    autocomplete_fields = ("user", "team")
    inlines = [CaseInline]


class CareTeamInline(admin.TabularInline):
    model = CareTeamMember
    extra = 0
    autocomplete_fields = ("user",)
    fields = ("user", "role", "added_at")
    readonly_fields = ("added_at",)


@admin.register(Case)
class CaseAdmin(SimpleHistoryAdmin):
    list_display = ("athlete", "site", "side", "risk", "grade", "status", "diagnosed_on")
    list_filter = ("status", "risk", "site", "athlete__team")
    search_fields = ("athlete__first_name", "athlete__last_name", "site")
    autocomplete_fields = ("athlete",)
    date_hierarchy = "diagnosed_on"
    inlines = [CareTeamInline]
    list_select_related = ("athlete",)


@admin.register(CareTeamMember)
class CareTeamMemberAdmin(SimpleHistoryAdmin):
    list_display = ("case", "user", "role", "added_at")
    list_filter = ("role",)
    search_fields = ("user__username", "case__athlete__last_name")
    autocomplete_fields = ("case", "user")
    list_select_related = ("case__athlete", "user")


@admin.register(IntegrationGrant)
class IntegrationGrantAdmin(admin.ModelAdmin):
    """Team-wide grants for integration accounts (per-case access is a care-team membership)."""

    list_display = ("user", "team", "granted_by", "granted_at")
    list_filter = ("team",)
    search_fields = ("user__username", "team__name")
    autocomplete_fields = ("team",)
    raw_id_fields = ("user", "granted_by")
    readonly_fields = ("granted_at",)

    def save_model(self, request, obj, form, change):
        if not change and obj.granted_by_id is None:
            obj.granted_by = request.user
        super().save_model(request, obj, form, change)


# --- consent and data rights (issue 11) --------------------------------------------------------

from athletes.models import ErasureRecord, SharingConsent  # noqa: E402


@admin.register(SharingConsent)
class SharingConsentAdmin(SimpleHistoryAdmin):
    """Read-only: only the athlete changes their consent, on their own sharing page."""

    list_display = ("athlete", "role", "given", "changed_at", "changed_by")
    list_filter = ("role", "given")
    search_fields = ("athlete__last_name", "athlete__first_name")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ErasureRecord)
class ErasureRecordAdmin(admin.ModelAdmin):
    """The audit of erasures: never edited, never deleted."""

    list_display = ("former_athlete_id", "erased_at", "erased_by_name", "case_count")
    readonly_fields = (
        "former_athlete_id", "erased_at", "erased_by", "erased_by_name", "reason", "case_count",
        "counts",
    )  # fmt: skip

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
