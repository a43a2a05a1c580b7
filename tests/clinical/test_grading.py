"""Grading matches the site (issue 22, item 11).

Sources (clinical.md §2): Fredericson's MRI scale is a tibial scale (AJSM 1995;23:472-81);
Arendt's MRI scale and Kaeding-Miller (JBJS Am 2013;95:1214-20, grades I-V) apply at any site;
the rest-before-return times are Arendt's, as summarised by Radiopaedia.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from athletes.forms import NewCaseForm
from athletes.models import Case
from athletes.sites import grading_systems_for
from monitoring.evaluation import whatif
from rehab.errors import ApplicationError

from . import helpers_b as h

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 20)
DIAGNOSED = dt.date(2026, 11, 2)
NEW_CASE = {
    "athlete_mode": "new",
    "first_name": "Ines",
    "last_name": "Moreau",
    "sex": "female",
    "side": "left",
    "imaging": "mri",
    "diagnosed_on": DIAGNOSED.isoformat(),
    "red_s_screen": "negative",
    "menstrual_status": "regular",
    "prior_bsi_count": "0",
}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def dr():
    return h.clinician()


def test_the_scales_offered_are_those_that_apply_at_the_site():
    assert grading_systems_for("posteromedial_tibia")[0] == "fredericson"
    for site in ("navicular", "metatarsal_shaft", "mt5_proximal"):
        assert "fredericson" not in grading_systems_for(site)
        assert {"arendt", "kaeding_miller"} <= set(grading_systems_for(site))
    labels = dict(Case.GradingSystem.choices)
    assert "tibia" in labels["fredericson"] and "any site" in labels["kaeding_miller"]
    assert "tibial scale" in NewCaseForm.base_fields["grading_system"].help_text


@pytest.mark.parametrize("site", ["navicular", "metatarsal_shaft"])
def test_a_foot_case_graded_on_the_fredericson_scale_is_refused(client, dr, site):
    """20 Nov: a clinician opens a navicular (or metatarsal) case graded "Fredericson 3": the
    page answers 400 with the error on the grading field and opens nothing (before: accepted,
    and the return range quoted an MRI grade of a tibial scale). Arendt 3 is accepted."""
    client.force_login(dr)
    data = {**NEW_CASE, "site": site, "grade": "3", "grading_system": "fredericson"}

    refused = client.post(reverse("clinic:case_new"), data)

    assert refused.status_code == 400
    assert "Fredericson scale is a tibial scale" in refused.content.decode()
    assert not Case.objects.exists()
    accepted = client.post(reverse("clinic:case_new"), {**data, "grading_system": "arendt"})
    assert accepted.status_code == 302
    assert Case.objects.get().grading_system == "arendt"


def test_grade_five_exists_only_on_the_kaeding_miller_scale(dr):
    """A 5th metatarsal non-union is Kaeding-Miller grade V; Arendt stops at 4."""
    case = h.open_case(
        dr, "mt5_proximal", diagnosed_on=DIAGNOSED, grading_system="kaeding_miller", grade=5
    )
    assert case.grade == 5
    with pytest.raises(ApplicationError) as err:
        h.open_case(dr, "mt5_proximal", diagnosed_on=DIAGNOSED, grading_system="arendt", grade=5)
    assert "grade" in err.value.errors


def _ranges(dr, site, system, grade):
    case = h.open_case(dr, site, diagnosed_on=DIAGNOSED, grading_system=system, grade=grade)
    slug = {"posteromedial_tibia": "tibia-low-risk", "navicular": "navicular"}[site]
    plan = h.start_plan(case, dr, slug, DIAGNOSED)
    timeline = whatif.case_timeline(case, list(plan.phases.order_by("order")), plan, today=TODAY)
    return [r for r in timeline.ranges if r.label.startswith("Rest before return")]


def test_the_rest_before_return_text_quotes_the_scale_chosen(dr):
    """A tibial case graded Fredericson 3 shows "Rest before return for Fredericson grade 3"
    (12-16 weeks), saying the times are Arendt's read for that grade; a navicular graded Arendt
    4 quotes Arendt; Kaeding-Miller has no rest-before-return table, so no range is claimed.
    (Before: "MRI grade 3", sourced to Arendt, whatever the scale.)"""
    (fredericson,) = _ranges(dr, "posteromedial_tibia", "fredericson", 3)
    assert fredericson.label == "Rest before return for Fredericson grade 3"
    assert (fredericson.low, fredericson.high) == (84, 112)
    assert "read for Fredericson grade 3" in fredericson.source
    (arendt,) = _ranges(dr, "navicular", "arendt", 4)
    assert arendt.label == "Rest before return for Arendt grade 4"
    assert arendt.source == "Arendt grading, as summarised by Radiopaedia"
    assert _ranges(dr, "navicular", "kaeding_miller", 3) == []
