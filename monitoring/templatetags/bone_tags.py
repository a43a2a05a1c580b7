"""The bone-health fragments other pages include with one line: the case page's panel (the
hold on impact, the latest screen, the guardian, the growth-plate note), the growth-plate note
beside a plan, and the athlete's plain-words reason for a hold (no diagnosis, no screen).

``{% load bone_tags %}{% bone_health_panel case %}``"""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from athletes import permissions
from monitoring.care.bone_facts import growth_plate_note_applies
from monitoring.care.growth import age_on, is_under_18
from monitoring.care.services.bone_hold import hold_active
from monitoring.ingest.checks import athlete_today

register = template.Library()


@register.inclusion_tag("care/_bone_health_panel.html", takes_context=True)
def bone_health_panel(context, case):
    """No query beyond the case's athlete (loaded with the case)."""
    user = context["request"].user
    if not permissions.can_view_bone_health(user, case):
        return {"show": False}
    today = athlete_today()
    return {
        "show": True,
        "case": case,
        "held": hold_active(case),
        "age": age_on(case.athlete.date_of_birth, today),
        "under_18": is_under_18(case.athlete.date_of_birth, today),
        "growth_near": growth_plate_note_applies(case, today),
        "guardian": permissions.can_see_guardian(user, case),
        "guardian_edit": permissions.can_edit_guardian(user, case),
        "show_reason": permissions.can_view_clinical(user, case),
    }


@register.inclusion_tag("care/_growth_plate_note.html")
def growth_plate_note(case):
    """The note beside a plan or template for an athlete under 18 (empty otherwise)."""
    today = athlete_today()
    if not is_under_18(case.athlete.date_of_birth, today):
        return {"case": None}
    return {"case": case, "growth_near": growth_plate_note_applies(case, today)}


@register.filter
def impact_held(case) -> bool:
    """``{% if case|impact_held %}``: impact phases wait for the bone-health decision."""
    return hold_active(case)


@register.simple_tag
def under_18_badge(case):
    """ "16 years · under 18" for an adolescent's case header; empty for an adult or an unknown
    date of birth. No query beyond the case's athlete."""
    today = athlete_today()
    if not is_under_18(case.athlete.date_of_birth, today):
        return ""
    age = age_on(case.athlete.date_of_birth, today)
    return format_html('<span class="pill" data-testid="under-18">{} years · under 18</span>', age)


@register.inclusion_tag("athlete/_bone_hold.html")
def athlete_bone_hold(case):
    """The athlete's reason, in plain words, that impact work waits (nothing when it does not)."""
    return {"held": case is not None and hold_active(case)}
