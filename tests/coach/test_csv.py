"""The board as CSV: the same rows and filters as the page, no clinical column, safe cells."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from athletes import permissions
from monitoring.models import ActivitySession, DailyLog, Flag
from monitoring.surfaces.coach.export import BOARD_COLUMNS, csv_table
from monitoring.surfaces.coach.facts import CaseFacts
from tests.coach.conftest import D0, TODAY

HEADER = [
    "Athlete",
    "Team",
    "Sport",
    "Phase",
    "Phase number",
    "Phases in plan",
    "Day in phase",
    "Status",
    "Status in words",
    "Reason",
    "Open flags",
    "Last log",
    "Load this week (AU)",
    "Weekly load, last 4 weeks (AU)",
    "Earliest return",
    "Typical return",
    "Usual range from",
    "Usual range to",
    "Confidence",
]


def rows_of(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


@pytest.fixture
def logged(coached, case):
    """Two weeks of logs and cycling sessions (RPE 4 × 30 min = 120 AU a day)."""
    for n in range(14):
        day = TODAY - dt.timedelta(days=n)
        DailyLog.objects.create(athlete=case.athlete, date=day, pain_during=1)
        ActivitySession.objects.create(
            athlete=case.athlete, date=day, activity="cycle", minutes=30, rpe=4
        )
    return coached


def test_csv_download(client, logged, case, coach):
    client.force_login(coach)
    response = client.get(reverse("coach:board_csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="team-board-2026-11-20.csv"'
    header = next(csv.reader(io.StringIO(response.content.decode())))
    assert header == HEADER
    (row,) = rows_of(response)
    plan_phase = logged.current_phase
    assert row["Athlete"] == case.athlete.full_name
    assert row["Team"] == "Riverside Athletics"
    assert row["Phase"] == plan_phase.name == "Walk-run"
    assert (row["Phase number"], row["Phases in plan"]) == ("2", "4")
    assert row["Day in phase"] == str((TODAY - D0).days + 1)
    assert (row["Status"], row["Status in words"]) == ("green", "On track")
    assert row["Last log"] == "2026-11-20"
    assert row["Load this week (AU)"] == str(7 * 120)
    assert row["Weekly load, last 4 weeks (AU)"] == "0 / 0 / 840 / 840"
    assert row["Typical return"]  # projected from the phases' typical days
    # Posteromedial tibia: 44 days (27-61) after the diagnosis on 1 Oct 2026.
    assert (row["Usual range from"], row["Usual range to"]) == ("2026-10-28", "2026-12-01")
    assert row["Confidence"] in {"high", "medium", "low"}


def test_csv_has_no_clinical_column():
    forbidden = {"site", "side", "grade", "pain", "diagnos", "imaging", "risk", "note", "screen"}
    for title in HEADER:
        assert not any(word in title.lower() for word in forbidden), title
    for column in BOARD_COLUMNS:
        assert column.field in permissions.COACH_VISIBLE_CASE_FIELDS


def test_csv_follows_the_board_filters(client, logged, case, coach):
    client.force_login(coach)
    assert len(rows_of(client.get(reverse("coach:board_csv"), {"light": "green"}))) == 1
    assert rows_of(client.get(reverse("coach:board_csv"), {"light": "red"})) == []
    assert rows_of(client.get(reverse("coach:board_csv"), {"q": "nobody-by-that-name"})) == []
    Flag.objects.create(
        case=case,
        phase=logged.current_phase,
        kind="load_spike",
        title="t",
        message="m",
        coach_message="Load rose sharply.",
        evaluation={},
    )
    (row,) = rows_of(client.get(reverse("coach:board_csv"), {"light": "amber"}))
    assert (row["Status"], row["Reason"], row["Open flags"]) == (
        "amber",
        "Load rose sharply.",
        "Load spike",
    )


def test_the_board_links_its_csv_with_the_same_filters(client, logged, coach):
    client.force_login(coach)
    body = client.get(reverse("coach:board"), {"light": "green", "sort": "name"}).content.decode()
    assert f'href="{reverse("coach:board_csv")}?light=green&amp;sort=name"' in body


def test_csv_injection(client, logged, case, coach):
    athlete = case.athlete
    athlete.first_name = '=HYPERLINK("http://evil.example","x")'
    athlete.last_name = "-2+3"
    athlete.sport = "@SUM(A1:A9)"
    athlete.save()
    team = athlete.team
    team.name = "+Riverside"
    team.save()
    client.force_login(coach)
    (row,) = rows_of(client.get(reverse("coach:board_csv")))
    assert row["Athlete"] == '\'=HYPERLINK("http://evil.example","x") -2+3'
    assert row["Team"] == "'+Riverside"
    assert row["Sport"] == "'@SUM(A1:A9)"
    for value in row.values():
        assert not value.startswith(("=", "+", "-", "@"))


def test_a_column_appears_only_when_every_row_may_show_its_field():
    shown = CaseFacts(case_id=1, visible=permissions.COACH_VISIBLE_CASE_FIELDS)
    hidden = CaseFacts(case_id=2, visible=permissions.COACH_VISIBLE_CASE_FIELDS - {"training_load"})
    shown.athlete = hidden.athlete = "A B"
    header, _ = csv_table([shown])
    assert "Load this week (AU)" in header
    header, cells = csv_table([shown, hidden])
    assert "Load this week (AU)" not in header and "Weekly load, last 4 weeks (AU)" not in header
    assert len(cells) == 2 and len(cells[0]) == len(header)
