"""The coach pages use a constant number of queries whatever the number of athletes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from athletes.models import Case

# Every page: 1. the session, 2. the user (authentication); then the coached cases (the board's
# monitoring.surfaces.coach.board.board_facts, the other pages' coach_cases): 3. the cases with
# athlete and team, 4. their active plans with the current phase, 5. the plans' phases, 6. the
# step backs of the last 14 days, 7. the unresolved flags.
AUTH = 2
COACH_CASES = 5
BOARD = AUTH + COACH_CASES + 3  # 8. last log dates, 9. four weeks of sessions, 10. teams
CSV = AUTH + COACH_CASES + 2  # last log dates, sessions (no team list)
# sessions since the plan started, last log date, the road back's case (and, with a pre-injury
# baseline, its week of runs: tests/running), the return-to-play decision's outcome
ATHLETE = AUTH + COACH_CASES + 4
RESTRICTIONS = AUTH + COACH_CASES + 3  # last log date; the care tag: case and role, next review


@pytest.mark.parametrize("n", [5, 50])
def test_queries_do_not_grow_with_the_athletes(client, squad, n, django_assert_num_queries):
    """The same counts with 5 and with 50 coached athletes (two teams, flags, step backs)."""
    kim = squad(n)
    case = Case.objects.filter(care_team__user=kim).order_by("pk").first()
    client.force_login(kim)

    with django_assert_num_queries(BOARD):
        response = client.get(reverse("coach:board"))
    body = response.content.decode()
    assert body.count('class="athlete-name"') == n
    assert "Squad A" in body and "Squad B" in body and "light-red" in body

    with django_assert_num_queries(BOARD):
        response = client.get(reverse("coach:board"), {"light": "red", "sort": "return"})
    assert response.status_code == 200

    with django_assert_num_queries(CSV):
        response = client.get(reverse("coach:board_csv"))
    assert len(response.content.decode().strip().splitlines()) == n + 1

    with django_assert_num_queries(ATHLETE):
        response = client.get(reverse("coach:athlete", args=[case.pk]))
    assert response.status_code == 200

    with django_assert_num_queries(RESTRICTIONS):
        response = client.get(reverse("coach:restrictions", args=[case.pk]))
    assert response.status_code == 200
