"""``{% whatif_timeline case phases plan today %}``: a case's projection timeline, drawn from
data the page has loaded already (no query)."""

from __future__ import annotations

from django import template

from monitoring.evaluation import whatif

register = template.Library()


@register.inclusion_tag("whatif/_timeline.html")
def whatif_timeline(case, phases, plan, today, audience: str = "clinic") -> dict:
    return {
        "tl": whatif.case_timeline(case, list(phases), plan, today=today),
        "athlete": audience == "athlete",
        "not_a_prediction": whatif.NOT_A_PREDICTION,
    }
