"""Care-team panels that other sections' pages include: the case page's notes and reviews, the
inbox's overdue reviews, the coach's next review, and the athlete's messages, education cards
and goals. Each tag asks ``athletes.permissions`` and costs a fixed number of queries (said in
its docstring), whatever the number of notes, reviews or goals."""

from __future__ import annotations

from django import template

from athletes import permissions
from athletes.permissions.classification import can_read
from athletes.selectors import cases_for_user
from monitoring.care import selectors as care
from monitoring.ingest.checks import athlete_today

register = template.Library()

PANEL_NOTES = 3


@register.inclusion_tag("care/_case_panel.html", takes_context=True)
def care_case_panel(context, case):
    """The case page's "Notes and reviews" card. Two queries: the next review, the latest notes
    the viewer may read."""
    user = context["request"].user
    if not permissions.can_view_timeline(user, case):
        return {"show": False}
    today = athlete_today()
    audiences = permissions.note_audiences_for(user, case)
    notes = list(care.readable_notes(user, case)[:PANEL_NOTES]) if audiences else []
    for note in notes:
        note.audience_short = care.AUDIENCE_SHORT.get(note.audience, "")
    return {
        "show": True,
        "case": case,
        "next": care.next_review(case, today),
        "notes": notes,
        "can_write": permissions.can_write_note(user, case),
        "can_schedule": permissions.can_schedule_review(user, case),
        "review_detail": can_read(user, case, "monitoring.Review", "kind"),
    }


@register.inclusion_tag("care/_inbox_reviews.html", takes_context=True)
def care_overdue_reviews(context):
    """The inbox's overdue reviews on the viewer's clinical cases. One query."""
    user = context["request"].user
    return {"reviews": care.overdue_reviews(user, athlete_today())}


@register.inclusion_tag("care/_coach_review.html", takes_context=True)
def care_coach_review(context, case_id):
    """The scheduled review on the coach's restrictions card. Two queries: the case with the
    viewer's role, its next review."""
    user = context["request"].user
    case = cases_for_user(user).filter(pk=case_id).first()
    if case is None or not permissions.can_view_reviews(user, case):
        return {"show": False}
    return {"show": True, "next": care.next_review(case, athlete_today())}


@register.inclusion_tag("care/_athlete_today.html", takes_context=True)
def care_athlete_today(context, ctx):
    """Today's next review, messages for the athlete and the education cards of their phase.
    Three queries: the next review, the latest notes for the athlete, the phase's cards."""
    user = context["request"].user
    case = ctx.case
    if case is None or not permissions.can_view_timeline(user, case):
        return {"show": False}
    audiences = permissions.note_audiences_for(user, case)
    return {
        "show": True,
        "case": case,
        "next": care.next_review(case, ctx.today),
        "notes": (
            list(care.readable_notes(user, case).exclude(author=user)[:PANEL_NOTES])
            if audiences
            else []
        ),
        "can_reply": permissions.can_write_message(user, case),
        "cards": care.cards_for_phase(ctx.plan, ctx.phase),
        "phase": ctx.phase,
    }


@register.inclusion_tag("care/_athlete_goals.html", takes_context=True)
def care_athlete_goals(context, ctx):
    """The athlete's own goals for the phase on "What's next", with ticks and a form to add one.
    One query."""
    from monitoring.surfaces.care.forms import GoalForm

    user = context["request"].user
    case = ctx.case
    if case is None or ctx.phase is None or not permissions.can_view_goals(user, case):
        return {"show": False}
    return {
        "show": True,
        "case": case,
        "phase": ctx.phase,
        "goals": care.phase_goals(case, ctx.phase),
        "can_tick": permissions.can_tick_goal(user, case),
        "form": GoalForm(today=ctx.today) if permissions.can_set_goal(user, case) else None,
        "back": context["request"].path,
        "csrf_token": context.get("csrf_token"),
    }
