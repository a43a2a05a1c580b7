"""The case list, the case page and the inbox use a constant number of queries, whatever the
number of cases, logs, flags, assessments and transitions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from athletes.models import CareTeamMember
from monitoring.models import (
    ActivitySession,
    Assessment,
    BatteryResult,
    DailyLog,
    Flag,
    TestBattery,
)
from protocols import services as plan_services
from tests.factories import AthleteFactory, CaseFactory, TeamFactory, UserFactory

from .conftest import TODAY, published_template, running_plan


@pytest.fixture
def dana(db, frozen):
    return UserFactory(username="dana-q", kind="clinician")


@pytest.fixture
def template(dana):
    return published_template(dana)


def fill(case, days: int, *, flags: bool = True) -> None:
    """``days`` days of logs and sessions, an assessment and a resolved flag every 10 days, a
    hold decision every 10 days, and every kind of flag open."""
    athlete = case.athlete
    DailyLog.objects.bulk_create(
        DailyLog(
            athlete=athlete,
            date=TODAY - dt.timedelta(days=n),
            pain_during=n % 4,
            pain_after=n % 3,
            pain_next_morning=n % 2,
        )
        for n in range(days)
    )
    ActivitySession.objects.bulk_create(
        ActivitySession(
            athlete=athlete,
            date=TODAY - dt.timedelta(days=n),
            activity="walk_run",
            minutes=30 + n % 20,
            rpe=3 + n % 4,
        )
        for n in range(days)
    )
    Assessment.objects.bulk_create(
        Assessment(case=case, date=TODAY - dt.timedelta(days=n), test="single_leg_hop", value=n)
        for n in range(0, days, 10)
    )
    batteries = TestBattery.objects.bulk_create(
        TestBattery(case=case, date=TODAY - dt.timedelta(days=n), involved_side="left")
        for n in range(0, days, 10)
    )
    BatteryResult.objects.bulk_create(
        BatteryResult(battery=b, test=test, unit="cm", left=100 + i, right=None if i % 3 else 120)
        for i, b in enumerate(batteries)
        for test in ("hop_distance", "triple_hop")
    )
    plan = case.plans.get(status="active")
    lead = case.care_team.get(role="lead_clinician").user
    for n in range(0, days, 10):
        plan_services.transition_decide(
            plan=plan,
            kind="hold",
            decided_by=lead,
            reason=f"Hold {n}",
            effective_on=TODAY,
        )
    if not flags:
        return
    evaluation = {"day": TODAY.isoformat(), "phase": "x"}
    Flag.objects.bulk_create(
        Flag(
            case=case,
            phase=plan.current_phase,
            kind=kind,
            status="open",
            title=f"{kind} title",
            message=f"{kind} message",
            evaluation=evaluation,
        )
        for kind in Flag.Kind.values
    )
    Flag.objects.bulk_create(
        Flag(
            case=case,
            phase=plan.current_phase,
            kind="regression",
            status="resolved",
            title="old",
            message="old",
            evaluation=evaluation,
        )
        for _ in range(0, days, 10)
    )


def make_cases(dana, template, n: int, days: int = 12) -> list:
    team = TeamFactory()
    cases = []
    for _ in range(n):
        case = CaseFactory(
            athlete=AthleteFactory(team=team), diagnosed_on=TODAY - dt.timedelta(days=days)
        )
        CareTeamMember.objects.create(case=case, user=dana, role="lead_clinician")
        running_plan(
            case, dana, started_on=TODAY - dt.timedelta(days=days), phase=2, template=template
        )
        fill(case, days)
        cases.append(case)
    return cases


def count(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


@pytest.mark.parametrize("n", [3, 30])
def test_the_case_list_is_seven_queries_whatever_the_number_of_cases(
    client, dana, template, n, django_assert_num_queries
):
    cases = make_cases(dana, template, n)
    client.force_login(dana)
    # 1 session, 2 user, 3 teams for the filter, 4 cases (athlete, team, role, last log),
    # 5 their active plans (current phase, number of phases), 6 their unresolved flags,
    # 7 the red-flag count of the navigation.
    with django_assert_num_queries(7):
        response = client.get(reverse("clinic:cases"), {"status": "all"})
    html = response.content.decode()
    assert html.count('class="chip chip-red_flag"') == n
    assert all(str(c.athlete) in html for c in cases)
    assert "2 of 4" in html


def test_filters_and_search_keep_the_count(client, dana, template, django_assert_num_queries):
    cases = make_cases(dana, template, 4)
    client.force_login(dana)
    target = cases[2].athlete
    target.last_name = "Quillfeather"  # generated names may share letters; this one is unique
    target.save(update_fields=["last_name"])
    with django_assert_num_queries(7):
        response = client.get(
            reverse("clinic:cases"), {"q": target.last_name, "flag": "red_flag", "status": "all"}
        )
    html = response.content.decode()
    assert str(target) in html
    assert sum(str(c.athlete) in html for c in cases) == 1


@pytest.mark.parametrize("days", [10, 120])
def test_the_case_page_is_constant_in_logs_flags_assessments_and_transitions(
    client, dana, template, days, django_assert_num_queries
):
    (case,) = make_cases(dana, template, 1, days=days)
    client.force_login(dana)
    # 1 session, 2 user, 3 the case (athlete, team, viewer role), 4 care team with users,
    # 5 plans, 6 their phases, 7-11 the snapshot (plan, logs, sessions, assessments, test
    # batteries), 12 transitions, 13 flags, 14 assessments, 15 plan edits, 16 the chart's logs,
    # 17 the values other sources offered for them and not used, 18 the chart's sessions, 19 the
    # device chart's wearable samples, 20-21 the test batteries and their results (the battery
    # panel), 22 the red-flag count of the navigation, 23-24 the care panel (next review, latest
    # notes), 25 the access log's one insert; for the lead, who manages the care team: 26 the
    # clinic's staff to add, 27 the athlete's waiting invitation (no login); the road-back card:
    # 28 the athlete's runs since the baseline's first week, 29 gait checks; 30 the
    # return-to-play decisions (StARRT), 31-32 psychological readiness (the TSK-11 and I-PRRS
    # totals with their questionnaires, the incomplete questionnaires); 33-34 the walk-run phase's
    # run-walk programme: the phase's sessions and logs; 35-39 the bone-health work-up (tasks,
    # results, energy-availability records, the latest REDs screen's answers, the latest
    # complete REDs screen's date); 40 the red flag a clinician last resolved in this phase
    # (shown beside an evaluation that still finds it).
    with django_assert_num_queries(40):
        response = client.get(reverse("clinic:case", kwargs={"case_id": case.pk}))
    html = response.content.decode()
    assert html.count("Hold 0") == 1 and f"Hold {days - 10}" in html
    assert (
        html.count("incomplete</span>") == sum(1 for i in range(0, days, 10) if (i // 10) % 3) * 2
    )
    assert html.count('class="flag flag-') == len(Flag.Kind.values)


@pytest.mark.parametrize("days", [10, 60])
def test_the_case_page_of_a_nutritionist_reads_less(
    client, dana, template, days, django_assert_num_queries
):
    (case,) = make_cases(dana, template, 1, days=days)
    rosa = UserFactory(username="rosa-q", kind="nutritionist")
    CareTeamMember.objects.create(case=case, user=rosa, role="nutritionist")
    Assessment.objects.create(
        case=case, date=TODAY, test="bone_health_cra", value=3, assessed_by=rosa
    )
    client.force_login(rosa)
    # session, user, case, care team, plans, phases, her own assessments, nav count; the care
    # panel: next review, latest notes; the access log's one insert; the bone-health work-up
    # she records (tasks, results, energy-availability records, the latest REDs screen's
    # answers and the latest complete one's date).
    with django_assert_num_queries(16):
        response = client.get(reverse("clinic:case", kwargs={"case_id": case.pk}))
    assert "Triad cumulative risk score" in response.content.decode()


@pytest.mark.parametrize("n", [2, 12])
def test_the_worklist_is_eight_queries(client, dana, template, n, django_assert_num_queries):
    make_cases(dana, template, n)
    client.force_login(dana)
    # session, user, open flags (with case, athlete, phase, acknowledger), flags resolved this
    # week (with who), unanswered messages from athletes (with case, athlete), nav count,
    # overdue reviews, the bone-health work-up tasks for the person's role.
    with django_assert_num_queries(8):
        response = client.get(reverse("clinic:inbox"))
    unresolved = Flag.objects.filter(status__in=Flag.UNRESOLVED).count()
    assert response.content.decode().count('class="inbox-row') == unresolved >= 2 * n
