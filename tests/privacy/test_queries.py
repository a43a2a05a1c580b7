"""The case page's privacy panel and the record of changes read in a constant number of queries,
whatever the number of history rows."""

from __future__ import annotations

import pytest
from django.urls import reverse

from athletes import services as athlete_services
from monitoring.ingest.items import assessment_record
from protocols import services as plan_services
from tests.factories import UserFactory

from .conftest import TODAY, edit_plan

pytestmark = pytest.mark.django_db


def grow(case, records, clinician, athlete_user, n: int) -> None:
    """``n`` rounds of changes of every kind: decisions, assessments, care-team and consent."""
    plan = records["plan"]
    for i in range(n):
        plan.refresh_from_db()
        plan_services.transition_decide(
            plan=plan, kind="hold", decided_by=clinician, reason=f"Hold {i}", effective_on=TODAY
        )
        assessment_record(
            case=case, test="single_leg_hop", value=10 + i % 5, date=TODAY, assessed_by=clinician
        )
        member = UserFactory(username=f"guest-{n}-{i}", kind="physio")
        athlete_services.care_team_add(case=case, user=member, role="physio", added_by=clinician)
        athlete_services.consent_set(
            athlete=case.athlete, role="coach", given=i % 2 == 1, changed_by=athlete_user
        )
    edit_plan(plan, clinician, reason="Slower progression")


@pytest.mark.parametrize("rounds", [1, 25])
def test_the_panel_is_constant_in_history_rows(
    client, case, records, clinician, athlete_user, rounds, django_assert_num_queries
):
    grow(case, records, clinician, athlete_user, rounds)
    client.force_login(clinician)
    # 1 session, 2 user, 3 the case (viewer role), 4 whether Dana leads every case of the
    # athlete (export / erase), 5 consents, 6 care-team members of the athlete's cases,
    # 7-15 the history of the case, care team, plans, phases, decisions, assessments, flags,
    # consents and the athlete, 16 the names of the people in it, 17 the access log's insert.
    with django_assert_num_queries(17):
        response = client.get(reverse("clinic:case_privacy", args=[case.pk]))
    body = response.content.decode()
    assert body.count('class="hist audit-') == 15  # the latest 15, then a link to them all
    assert "See all" in body and "/record/" in body


@pytest.mark.parametrize("rounds", [1, 25])
def test_the_record_page_is_constant_in_history_rows(
    client, case, records, clinician, athlete_user, rounds, django_assert_num_queries
):
    grow(case, records, clinician, athlete_user, rounds)
    client.force_login(clinician)
    # 1 session, 2 user, 3 the case, 4-12 the nine history tables, 13 names, 14 the red-flag
    # count of the navigation, 15 the access log's one insert, 16 who looked (the lead's list).
    with django_assert_num_queries(16):
        response = client.get(reverse("clinic:case_record", args=[case.pk]))
    body = response.content.decode()
    assert body.count("Decision: Held in phase") == rounds
    assert body.count("Sharing with coaches") == rounds + 1  # the default, then each change


def test_the_sharing_page_is_constant(
    client, case, records, athlete_user, django_assert_max_num_queries
):
    client.force_login(athlete_user)
    # session, user, the athlete context (4), consents, care-team members, who looked.
    with django_assert_max_num_queries(9):
        assert client.get(reverse("athlete:sharing")).status_code == 200
