"""Pages: the coach board with few and many athletes, the clinician case page with a month and a
year of logs. Queries are counted (they must not grow with the data) and the server time is the
median of repeated requests through Django's test client (no network, no browser).
"""

from __future__ import annotations

import datetime as dt
import statistics
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from athletes.models import CareTeamMember, Case, User

from .data import generate
from .report import Figure, Report

GOAL_MS = 150.0


def _measure(client: Client, url: str, repeat: int) -> tuple[int, float]:
    """(queries of one request, median milliseconds over ``repeat`` requests)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url}: {response.status_code}")
    queries = len(ctx.captured_queries)
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return queries, statistics.median(times)


def _coach_for(team: str, cases: list[int]) -> User:
    coach = User.objects.create(username=f"bench-coach-{team.lower()}", kind="coach")
    CareTeamMember.objects.bulk_create(
        CareTeamMember(case_id=pk, user=coach, role="coach") for pk in cases
    )
    return coach


def run_pages(report: Report, *, scale: float, today: dt.date, seed: int = 17) -> None:
    size = min(1.0, scale * 10)  # full size from scale 0.1 up; smaller only for a smoke run
    few, many = max(2, round(20 * size)), max(5, round(200 * size))
    short, long = 30, max(60, round(365 * size))
    repeat = max(3, round(20 * size))

    coach_few = _coach_for("few", generate(cases=few, days=30, today=today, team_name="Few"))
    coach_many = _coach_for(
        "many", generate(cases=many, days=30, today=today, seed=seed, team_name="Many")
    )
    short_case = generate(cases=1, days=short, today=today, seed=seed + 1, team_name="Month")[0]
    long_case = generate(cases=1, days=long, today=today, seed=seed + 2, team_name="Year")[0]
    clinician = User.objects.get(username="bench-clinician")
    assert Case.objects.filter(pk__in=[short_case, long_case]).count() == 2

    client = Client()
    board = reverse("coach:board")
    client.force_login(coach_few)
    q_few, ms_few = _measure(client, board, repeat)
    client.force_login(coach_many)
    q_many, ms_many = _measure(client, board, repeat)

    client.force_login(clinician)
    q_short, ms_short = _measure(client, reverse("clinic:case", args=[short_case]), repeat)
    q_long, ms_long = _measure(client, reverse("clinic:case", args=[long_case]), repeat)

    report.add(
        Figure(
            "pages.coach_board_queries_growth",
            q_many - q_few,
            "queries",
            "0",
            q_many == q_few,
            f"{q_few} queries with {few} athletes, {q_many} with {many}",
        )
    )
    report.add(
        Figure(
            "pages.coach_board_median_ms",
            ms_many,
            "ms",
            f"< {GOAL_MS:.0f}",
            ms_many < GOAL_MS,
            f"{many} athletes ({ms_few:.0f} ms with {few}), median of {repeat}",
        )
    )
    report.add(
        Figure(
            "pages.case_page_queries_growth",
            q_long - q_short,
            "queries",
            "0",
            q_long == q_short,
            f"{q_short} queries with {short} days of logs, {q_long} with {long}",
        )
    )
    report.add(
        Figure(
            "pages.case_page_median_ms",
            ms_long,
            "ms",
            f"< {GOAL_MS:.0f}",
            ms_long < GOAL_MS,
            f"{long} days of logs ({ms_short:.0f} ms with {short}), median of {repeat}",
        )
    )
