"""Imaging gates follow their sources (issue 22, item 10).

Sources (clinical.md §4, §8, §11): the navicular's union is judged clinically (no tenderness at
the "N spot", pain-free weight bearing); CT healing "does not necessarily mirror clinical union"
(Khan et al., AJSM 1992;20:657-66), so CT is the clinician's option, not a default gate. Anterior
tibia: brace and modified rest (Batt et al., BJSM 2001;35:74-7), no default "non-weight-bearing
until imaging shows healing". The ACWR critique is Impellizzeri et al., Sports Med
2021;51:581-92.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from monitoring.ingest.items import assessment_record
from protocols import services as plan_services
from protocols.library import CITATIONS, get_template
from protocols.models import ProtocolTemplate
from protocols.selectors import templates_for_case

from . import helpers_b as h

pytestmark = pytest.mark.django_db

DIAGNOSED = dt.date(2026, 9, 20)
STARTED = dt.date(2026, 9, 21)
TODAY = dt.date(2026, 11, 20)  # day 60 of the cast phase (6-8 weeks)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def dr():
    return h.clinician()


def test_navicular_union_is_judged_clinically_without_a_ct_gate(dr):
    """A navicular BSI in a non-weight-bearing cast since 21 Sep. On 20 Nov: no tenderness at the
    N spot, a week of logs without rest or night pain, the clinician's sign-off. The phase is
    ready without any imaging result (before: "not ready" until CT confirmed healing)."""
    case = h.open_case(dr, "navicular", diagnosed_on=DIAGNOSED, grading_system="arendt", grade=3)
    plan = h.start_plan(case, dr, "navicular", STARTED)
    cast = plan.current_phase
    assert "imaging_healing" not in [i.get("test") for i in cast.advance_when]
    assert "N spot" in cast.notes and "clinician's option" in cast.notes
    for day in range(7):
        h.log(case, TODAY - dt.timedelta(days=day), dr, pain_rest=0, night_pain=False)
    assessment_record(
        case=case, test="tenderness", value=0, date=TODAY, assessed_by=dr, today=TODAY
    )
    plan_services.phase_sign_off(phase=cast, signed_by=dr, on=TODAY)

    evaluation = h.evaluate(case, TODAY)

    assert evaluation.ready, evaluation.summary
    assert not [r for r in evaluation.advance if r.params.get("test") == "imaging_healing"]


def test_anterior_tibia_follows_batt_brace_and_modified_rest(dr):
    """An anterior tibial cortex BSI diagnosed 20 Sep is offered its own plan first: a brace and
    modified rest, no non-weight-bearing phase and no default imaging gate (before: the general
    high-risk plan, non-weight-bearing until imaging showed healing)."""
    case = h.open_case(dr, "anterior_tibia", diagnosed_on=DIAGNOSED, grading_system="fredericson")
    assert [t.slug for t in templates_for_case(case)] == ["anterior-tibia"]
    plan = h.start_plan(case, dr, "anterior-tibia", STARTED)
    phases = list(plan.phases.order_by("order"))
    assert phases[0].name == "Brace and modified rest"
    assert all(p.weight_bearing != "nwb" for p in phases)
    assert not any(i.get("test") == "imaging_healing" for p in phases for i in p.advance_when)
    assert "Batt" in phases[0].notes and "12 months" in plan.template.summary


def test_a_template_that_changes_gets_a_new_version_and_running_plans_keep_theirs(dr):
    """Navicular v2 is what the shipped library installs now. A plan drafted on 21 Sep from the
    published version keeps its phases when a later version is installed: that one is
    published, the earlier one retired."""
    published = ProtocolTemplate.objects.get(slug="navicular", status="published")
    assert published.version == 2
    case = h.open_case(dr, "navicular", diagnosed_on=DIAGNOSED)
    plan = h.start_plan(case, dr, "navicular", STARTED)
    before = [p.advance_when for p in plan.phases.order_by("order")]

    later = get_template("navicular")
    later["version"] = 3
    later["phases"][0]["advance_when"].append(
        {"kind": "assessment", "test": "imaging_healing", "min": 1}
    )
    assert plan_services.install_shipped_templates(library=[later]) == 1

    published.refresh_from_db()
    assert published.status == "retired"
    assert ProtocolTemplate.objects.get(slug="navicular", status="published").version == 3
    assert [p.advance_when for p in plan.phases.order_by("order")] == before


def test_the_acwr_critique_is_cited_correctly():
    """Impellizzeri et al., Sports Med 2021;51:581-92, wherever a template cites it."""
    (text,) = [c for c in CITATIONS.values() if c.startswith("Impellizzeri")]
    assert "Sports Med 2021;51(3):581-92" in text
    assert "Time to dismiss ACWR" in text
    for template in ProtocolTemplate.objects.filter(status="published"):
        assert not any("Critique of the acute:chronic" in c for c in template.citations)
        for phase in template.phases.all():
            assert "Impellizzeri 2020" not in phase.notes
