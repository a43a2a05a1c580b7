"""The phase's one-day pain rules the phone judges offline (``safety.one_day_red_rules``): at a
high-risk site pain above a limit and pain lasting after activity are red flags (clinical.md
§3, §11; ``protocols.site_rules.HIGH_RISK_PAIN_RULES``), at a low-risk site regressions, which
the phone leaves to the evaluation."""

from __future__ import annotations

import datetime as dt

import pytest

from monitoring.surfaces.athlete.view_models.safety import one_day_red_rules
from tests.factories import CaseFactory
from tests.plans import published_template, running_plan

pytestmark = pytest.mark.django_db

D0 = dt.date(2026, 11, 2)


def test_a_high_risk_sites_limits_are_the_lowest_of_its_rules(clinician):
    case = CaseFactory(site="femoral_neck_tension")
    case.care_team.create(user=clinician, role="lead_clinician")
    template = published_template(
        clinician, slug="neck", risk="high", sites=("femoral_neck_tension",)
    )
    plan = running_plan(case, clinician, started_on=D0, phase=2, template=template)
    rules = one_day_red_rules(plan.current_phase, high_risk_site=True)
    # the walk-run phase's own "during above 5" gives way to the site's "above 1"
    assert rules == {"above": {"rest": 0, "during": 1, "after": 1}, "lasted_hours": 24}


def test_at_a_low_risk_site_none_is_a_red_flag(case, clinician):
    plan = running_plan(case, clinician, started_on=D0, phase=2)
    assert any(r["kind"] == "pain_above" for r in plan.current_phase.regress_when)
    assert one_day_red_rules(plan.current_phase, high_risk_site=False) == {
        "above": {},
        "lasted_hours": None,
    }
