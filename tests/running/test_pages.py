"""The case page's road-back card (issue 28, items 2 and 4): the pre-injury baseline typed or
computed from the runs before the injury, the cadence goal and the gait checklist; bad input
comes back as field errors with nothing saved; the clinical team alone may use them; the page's
queries do not grow with runs or gait checks. And the evaluation reads the runs' distance
through its own selectors (PostgreSQL's window reads)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from athletes.models import Case
from monitoring.evaluation import services as evaluation
from monitoring.models import GaitCheck
from protocols.models import PlanPhase

from .conftest import TODAY, add_run, runs_before_the_injury

pytestmark = pytest.mark.django_db


def url(name: str, case) -> str:
    return reverse(f"clinic:{name}", kwargs={"case_id": case.pk})


def test_the_clinician_accepts_the_baseline_computed_from_the_runs_before_the_injury(
    client, case, team, plan
):
    runs_before_the_injury(case)
    client.force_login(team["clinician"])
    page = client.get(url("case", case)).content.decode()
    assert "From the sessions recorded before the injury: <strong>32 km a week</strong>" in page
    assert "Mean of the 6 weeks 20 Aug 2026 – 30 Sep 2026: 18 running sessions" in page

    response = client.post(url("running_baseline", case), {"compute": "1"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.pre_injury_km_week == Decimal("32.0")
    assert case.pre_injury_runs_week == Decimal("3.0")
    assert case.pre_injury_source == Case.BaselineSource.COMPUTED
    assert case.pre_injury_basis.startswith("Mean of the 6 weeks 20 Aug 2026")
    latest = case.history.order_by("-history_id").first()  # a frozen clock ties their dates
    assert latest.pre_injury_km_week == Decimal("32.0")  # with its history


def test_a_typed_baseline_replaces_the_computed_one_and_says_so(client, case, team, plan):
    runs_before_the_injury(case)
    client.force_login(team["physio"])
    client.post(url("running_baseline", case), {"compute": "1"})
    response = client.post(
        url("running_baseline", case),
        {"pre_injury_km_week": "45", "pre_injury_runs_week": "5", "pre_injury_minutes_week": ""},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.pre_injury_km_week, case.pre_injury_source) == (Decimal("45.0"), "entered")
    assert case.pre_injury_basis == ""


def test_too_few_weeks_before_the_injury_to_compute(client, case, team, plan):
    add_run(case, dt.date(2026, 9, 28), 10)
    client.force_login(team["clinician"])
    page = client.get(url("case", case)).content.decode()
    assert "Not enough running recorded before the injury to compute it" in page
    response = client.post(url("running_baseline", case), {"compute": "1"})
    assert response.status_code == 400
    assert "At least 4 weeks of runs before the diagnosis are needed" in response.content.decode()
    case.refresh_from_db()
    assert case.pre_injury_km_week is None


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"pre_injury_km_week": "-5"}, "pre_injury_km_week", "greater than or equal to 0"),
        ({"pre_injury_km_week": "5000"}, "pre_injury_km_week", "less than or equal to 400"),
        ({"pre_injury_runs_week": "30"}, "pre_injury_runs_week", "less than or equal to 21"),
        ({"pre_injury_minutes_week": "abc"}, "pre_injury_minutes_week", "Enter a whole number"),
    ],
)
def test_bad_baseline_input_is_a_field_error_and_nothing_is_saved(
    client, case, team, plan, data, field, message
):
    client.force_login(team["clinician"])
    response = client.post(url("running_baseline", case), data)
    assert response.status_code == 400
    form = response.context["running"].forms["baseline"]
    assert message in " ".join(form.errors[field])
    case.refresh_from_db()
    assert case.pre_injury_km_week is None and case.pre_injury_source == ""


def test_the_cadence_goal_from_the_runs_before_the_injury(client, case, team, plan):
    runs_before_the_injury(case)
    add_run(case, TODAY - dt.timedelta(days=2), 6, cadence=170)
    client.force_login(team["clinician"])
    response = client.post(
        url("cadence_goal", case), {"compute": "1", "low_percent": "5", "high_percent": "10"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.baseline_step_rate, case.baseline_step_rate_source) == (164, "computed")
    page = client.get(url("case", case)).content.decode()
    assert "goal <strong>172–180 steps a minute</strong> (+5–10%)" in page
    assert "Running cadence and the goal" in page  # the chart, with the run's 170


@pytest.mark.parametrize("rate", ["0", "400"])
def test_an_impossible_step_rate_is_a_field_error(client, case, team, plan, rate):
    client.force_login(team["clinician"])
    response = client.post(
        url("cadence_goal", case),
        {"baseline_step_rate": rate, "low_percent": "5", "high_percent": "10"},
    )
    assert response.status_code == 400
    assert response.context["running"].forms["cadence"].errors["baseline_step_rate"]
    case.refresh_from_db()
    assert case.baseline_step_rate is None


def test_a_goal_whose_ends_are_swapped_is_refused(client, case, team, plan):
    client.force_login(team["clinician"])
    response = client.post(
        url("cadence_goal", case),
        {"baseline_step_rate": "160", "low_percent": "10", "high_percent": "5"},
    )
    assert response.status_code == 400
    assert "below its lower end" in response.content.decode()


GAIT = {
    "date": "2026-12-09",
    "limp": "no",
    "pain_free_gait": "yes",
    "pain": "0",
    "cadence": "168",
    "overstriding": "on",
    "notes": "Treadmill 10 km/h",
}


def test_gait_checks_are_dated_signed_and_kept_as_a_history(client, case, team, plan):
    client.force_login(team["physio"])
    assert client.post(url("gait_check", case), GAIT).status_code == 302
    later = {**GAIT, "date": "2026-12-10", "limp": "yes", "pain_free_gait": "no", "pain": "3"}
    later.pop("overstriding")
    assert client.post(url("gait_check", case), later).status_code == 302
    first, second = GaitCheck.objects.order_by("date")
    assert (first.limp, first.pain_free_gait, first.cadence, first.overstriding) == (
        False,
        True,
        168,
        True,
    )
    assert first.recorded_by == team["physio"] and second.pain == 3
    page = client.get(url("case", case)).content.decode()
    assert page.index("10 Dec 2026") < page.index("9 Dec 2026")  # latest first
    assert "Overstriding (foot lands well ahead of the hip)" in page


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"cadence": "0"}, "cadence"),
        ({"cadence": "400"}, "cadence"),
        ({"pain": "11"}, "pain"),
        ({"limp": ""}, "limp"),
        ({"pain": "6"}, "pain"),  # 6/10 while walking contradicts "pain-free gait: yes"
        ({"date": "2026-12-11"}, "date"),
    ],
)
def test_bad_gait_input_is_a_field_error(client, case, team, plan, change, field):
    client.force_login(team["clinician"])
    response = client.post(url("gait_check", case), {**GAIT, **change})
    assert response.status_code == 400
    assert response.context["running"].forms["gait"].errors[field]
    assert not GaitCheck.objects.exists()


@pytest.mark.parametrize("role", ["coach", "athlete", "integration"])
def test_only_the_clinical_team_uses_the_forms(client, case, team, plan, role):
    client.force_login(team[role])
    assert client.post(url("gait_check", case), GAIT).status_code in {403, 404}
    assert client.post(url("cadence_goal", case), {"baseline_step_rate": "160"}).status_code in {
        403,
        404,
    }
    if role != "integration":
        response = client.post(url("running_baseline", case), {"pre_injury_km_week": "30"})
        assert response.status_code in {403, 404}
    assert not GaitCheck.objects.exists()


def test_someone_off_the_case_gets_404(client, case, team, plan, outsider):
    client.force_login(outsider)
    assert client.post(url("gait_check", case), GAIT).status_code == 404
    assert client.post(url("running_baseline", case), {"compute": "1"}).status_code == 404


def test_the_card_costs_two_queries_whatever_the_runs_and_gait_checks(client, case, team, plan):
    """The card reads the athlete's runs (one query) and the gait checks (one): the case page
    costs as many queries with one run and check as with fifteen of each."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case.pre_injury_km_week = Decimal("32")
    case.baseline_step_rate = 164
    case.cadence_goal_low_percent, case.cadence_goal_high_percent = 5, 10
    case.save()
    client.force_login(team["clinician"])

    def add(days):
        for i in days:
            add_run(case, TODAY - dt.timedelta(days=i), 5, cadence=168)
            GaitCheck.objects.create(
                case=case, date=TODAY - dt.timedelta(days=i), limp=False, pain_free_gait=True
            )

    def count() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url("case", case))
        return len(ctx.captured_queries), response.content.decode()

    add([0])
    few, _ = count()
    add(range(1, 15))
    many, html = count()
    assert few == many
    assert html.count('<td class="num">168</td>') == 0  # gait checks without a cadence
    assert "15 runs" in html or "This week" in html


# --- the evaluation reads the runs' distance (the nightly SQL reads) ------------------------------


def test_the_evaluation_sums_the_weeks_runs_from_the_database(case, team, plan):
    """32 km a week before the injury; this week 6 + 6 km on 8 Dec and 12 km today: 75%."""
    case.pre_injury_km_week = Decimal("32")
    case.save(update_fields=["pre_injury_km_week"])
    phase = plan.current_phase
    PlanPhase.objects.filter(pk=phase.pk).update(
        advance_when=[
            {"kind": "pre_injury_volume", "percent": 50},
            {"kind": "pre_injury_volume", "percent": 75},
            {"kind": "pre_injury_volume", "percent": 80},
        ]
    )
    add_run(case, dt.date(2026, 12, 8), 6)
    add_run(case, dt.date(2026, 12, 8), 6)
    add_run(case, TODAY, 12)
    result = evaluation.case_evaluate(case_id=case.pk, today=TODAY)
    met = [r.met for r in result.advance if r.kind == "pre_injury_volume"]
    assert met == [True, True, False]

    add_run(case, dt.date(2026, 12, 9), None)  # a run without a distance: unknown, never met
    result = evaluation.case_evaluate(case_id=case.pk, today=TODAY)
    assert [r.met for r in result.advance if r.kind == "pre_injury_volume"] == [None] * 3
    assert result.ready is False


# --- at intake: the new-case form ---------------------------------------------------------


def test_the_baseline_is_entered_at_intake(client, clinician, frozen):
    from tests.clinic.test_forms import NEW_CASE

    client.force_login(clinician)
    data = {**NEW_CASE, "pre_injury_km_week": "38.5", "pre_injury_runs_week": "4"}
    assert client.post(reverse("clinic:case_new"), data).status_code == 302
    case = Case.objects.get(athlete__first_name="Ada", athlete__last_name="Quinn")
    assert (case.pre_injury_km_week, case.pre_injury_runs_week) == (Decimal("38.5"), Decimal("4"))
    assert case.pre_injury_source == "entered"


def test_a_negative_distance_at_intake_is_a_field_error_and_no_case_is_opened(
    client, clinician, frozen
):
    from tests.clinic.test_forms import NEW_CASE

    client.force_login(clinician)
    response = client.post(reverse("clinic:case_new"), {**NEW_CASE, "pre_injury_km_week": "-3"})
    assert response.status_code == 400
    assert response.context["form"].errors["pre_injury_km_week"]
    assert not Case.objects.filter(athlete__first_name="Ada").exists()
