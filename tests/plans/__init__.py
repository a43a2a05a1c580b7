"""Building blocks for tests that need a template and a running plan."""

from __future__ import annotations

import datetime as dt

from protocols import services as plan_services

WALK_RUN = {
    "name": "Walk-run",
    "goal": "Tolerate alternating walking and jogging pain-free.",
    "min_days": 14,
    "typical_days": 21,
    "impact": "moderate",
    "prescriptions": [
        {
            "activity": "walk_run",
            "minutes": 30,
            "sessions_per_week": 3,
            "intensity": "Conversational",
        }
    ],
    "advance_when": [
        {"kind": "min_days_in_phase", "days": 14},
        {"kind": "pain_max", "field": "during", "max": 2, "days": 7},
        {"kind": "assessment", "test": "single_leg_hop", "min": 10, "max_pain": 2},
    ],
    "regress_when": [
        {"kind": "pain_above", "field": "during", "above": 5},
        {"kind": "pain_rising", "field": "during", "by": 1},
        {"kind": "night_pain"},
        {"kind": "sharp_pain"},
    ],
    "warn_when": [{"kind": "load_spike"}],
}

PHASES = [
    {
        "name": "Protected loading",
        "goal": "Pain-free walking for daily life.",
        "min_days": 7,
        "typical_days": 10,
        "prescriptions": [{"activity": "walk", "minutes": 20, "sessions_per_week": 7}],
        "advance_when": [
            {"kind": "min_days_in_phase", "days": 7},
            {"kind": "pain_max", "field": "rest", "max": 0, "days": 5},
        ],
        "regress_when": [{"kind": "night_pain"}],
    },
    WALK_RUN,
    {
        "name": "Running progression",
        "min_days": 14,
        "typical_days": 21,
        "impact": "high",
        "advance_when": [{"kind": "min_days_in_phase", "days": 14}, {"kind": "clinician_signoff"}],
        "regress_when": [{"kind": "pain_above", "field": "during", "above": 3}],
    },
    {
        "name": "Full return",
        "min_days": 7,
        "typical_days": 7,
        "impact": "high",
        "advance_when": [{"kind": "clinician_signoff"}],
    },
]


def published_template(user, *, slug="test-tibia", risk="low", sites=("posteromedial_tibia",)):
    template = plan_services.template_draft_create(
        slug=slug,
        name="Test tibia protocol",
        sites=list(sites),
        risk=risk,
        phases=PHASES,
        created_by=user,
    )
    return plan_services.template_publish(template=template, published_by=user)


def running_plan(case, clinician, *, started_on: dt.date, phase: int = 1, template=None):
    """An active plan on the case, in phase ``phase`` (1-based) since ``started_on``."""
    template = template or published_template(clinician)
    plan = plan_services.plan_create(case=case, template=template, created_by=clinician)
    plan_services.plan_start(plan=plan, started_by=clinician, started_on=started_on)
    phases = list(plan.phases.order_by("order"))
    for target in phases[1:phase]:
        plan.refresh_from_db()
        advance(plan, clinician, on=started_on, to_phase=target)
    plan.refresh_from_db()
    return plan


def advance(plan, clinician, *, on: dt.date, to_phase, reason: str = "Test set-up"):
    """The clinician's decision to advance ``plan`` to ``to_phase`` from ``on``."""
    plan_services.transition_decide(
        plan=plan,
        kind="advance",
        decided_by=clinician,
        reason=reason,
        effective_on=on,
        to_phase=to_phase,
    )
