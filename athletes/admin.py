from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import Athlete, CareTeamMember, Case, Team, User


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
