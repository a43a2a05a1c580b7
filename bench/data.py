"""Seeded synthetic data at scale, written with COPY where the volume is large.

Every case: a low-risk tibial BSI on the shipped template, an active plan in a phase chosen at
random, ``days`` days of daily logs (about 1 in 12 days missing) and about four sessions a week,
with pain mostly low and the odd bad week, so the evaluation meets every branch.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import connection, transaction
from django.utils import timezone

from athletes.models import Athlete, CareTeamMember, Case, Team, User
from protocols.models import Plan, PlanPhase, ProtocolTemplate

ACTIVITIES = ("walk", "cycle", "walk_run", "run", "swim", "strength")


def generate(
    *, cases: int, days: int, today: dt.date, seed: int = 7, team_name: str = "Bench team"
) -> list[int]:
    """Create ``cases`` active cases with ``days`` days of history on the team ``team_name``
    (all on the clinician ``bench-clinician``'s care team); returns the case ids."""
    rng = random.Random(seed)  # noqa: S311 — synthetic data
    template = ProtocolTemplate.objects.get(slug="tibia-low-risk", status="published")
    phases = list(template.phases.order_by("order"))
    with transaction.atomic():
        clinician, _ = User.objects.get_or_create(
            username="bench-clinician", defaults={"kind": "clinician"}
        )
        team, _ = Team.objects.get_or_create(name=team_name)
        athletes = Athlete.objects.bulk_create(
            Athlete(first_name=f"A{i}", last_name=f"Bench{i}", team=team) for i in range(cases)
        )
        case_rows = Case.objects.bulk_create(
            Case(
                athlete=a,
                site="posteromedial_tibia",
                risk="low",
                grade=rng.randint(1, 3),
                diagnosed_on=today - dt.timedelta(days=days + 3),
            )
            for a in athletes
        )
        CareTeamMember.objects.bulk_create(
            CareTeamMember(case=c, user=clinician, role="lead_clinician") for c in case_rows
        )
        plans = Plan.objects.bulk_create(
            Plan(
                case=c,
                template=template,
                template_version=template.version,
                name=template.name,
                status="active",
                started_on=today - dt.timedelta(days=days),
            )
            for c in case_rows
        )
        plan_phases = []
        current_orders = {}
        for plan in plans:
            current = rng.randint(1, len(phases))
            current_orders[plan.pk] = current
            started = today - dt.timedelta(days=rng.randint(3, 20))
            for p in phases:
                fields = p.spec_fields()
                plan_phases.append(
                    PlanPhase(
                        plan=plan,
                        **fields,
                        started_on=started
                        if p.order == current
                        else (plan.started_on if p.order < current else None),
                        ended_on=started if p.order < current else None,
                    )
                )
        PlanPhase.objects.bulk_create(plan_phases, batch_size=5000)
        by_plan = {(pp.plan_id, pp.order): pp.pk for pp in plan_phases}
        # One UPDATE … FROM unnest(): bulk_update's CASE of thousands of branches is
        # quadratic on the server.
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE protocols_plan AS p SET current_phase_id = v.phase "
                "FROM unnest(%s::bigint[], %s::bigint[]) AS v(plan, phase) WHERE p.id = v.plan",
                [
                    [plan.pk for plan in plans],
                    [by_plan[(plan.pk, current_orders[plan.pk])] for plan in plans],
                ],
            )
    _copy_history(athletes, days=days, today=today, rng=rng, submitted_by=clinician.pk)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return [c.pk for c in case_rows]


def _written(day: dt.date, now: dt.datetime) -> dt.datetime:
    """When a day's record was written: that evening, as an athlete logs (no record is recorded
    late, which the evaluation would judge on its own day as well), and never after now."""
    return min(dt.datetime.combine(day, dt.time(20), tzinfo=dt.UTC), now)


def _copy_history(athletes, *, days, today, rng, submitted_by) -> None:
    now = timezone.now()
    log_cols = (
        "athlete_id",
        "date",
        "pain_rest",
        "pain_during",
        "pain_after",
        "pain_next_morning",
        "pain_character",
        "localized",
        "pain_location",
        "night_pain",
        "swelling",
        "fatigue",
        "sleep_hours",
        "sleep_quality",
        "stress",
        "mood",
        "soreness",
        "steps",
        "note",
        "source",
        "submitted_by_id",
        "created_at",
        "updated_at",
    )
    session_cols = (
        "athlete_id",
        "date",
        "activity",
        "minutes",
        "rpe",
        "surface",
        "footwear",
        "pain_during",
        "note",
        "completion",
        "source",
        "external_id",
        "submitted_by_id",
        "created_at",
        "updated_at",
    )
    raw = connection.connection  # psycopg 3 connection under Django's wrapper
    connection.ensure_connection()
    raw = connection.connection
    with raw.cursor() as cur:
        with cur.copy(f"COPY monitoring_dailylog ({', '.join(log_cols)}) FROM STDIN") as copy:
            for athlete in athletes:
                bad_week = rng.random() < 0.15
                for n in range(days, -1, -1):
                    if rng.random() < 0.08:
                        continue
                    day = today - dt.timedelta(days=n)
                    during = rng.choice((0, 0, 0, 1, 1, 2))
                    if bad_week and n < 7:
                        during += rng.randint(2, 4)
                    night = bad_week and n == 1 and rng.random() < 0.3
                    copy.write_row(
                        (
                            athlete.pk,
                            day,
                            0,
                            during,
                            max(0, during - 1),
                            0 if n else None,
                            "dull" if during else "none",
                            False,
                            "",
                            night,
                            False,
                            rng.randint(2, 4),
                            7.5,
                            3,
                            3,
                            3,
                            3,
                            rng.randint(4000, 12000),
                            "",
                            "import",
                            submitted_by,
                            _written(day, now),
                            _written(day, now),
                        )
                    )
        with cur.copy(
            f"COPY monitoring_activitysession ({', '.join(session_cols)}) FROM STDIN"
        ) as copy:
            for athlete in athletes:
                spike = rng.random() < 0.1
                for n in range(days, -1, -1):
                    if rng.random() > 4 / 7:
                        continue
                    minutes = 30 if not (spike and n < 7) else 80
                    day = today - dt.timedelta(days=n)
                    copy.write_row(
                        (
                            athlete.pk,
                            day,
                            rng.choice(ACTIVITIES),
                            minutes,
                            rng.randint(3, 6),
                            "",
                            "",
                            0,
                            "",
                            "",
                            "import",
                            "",
                            submitted_by,
                            _written(day, now),
                            _written(day, now),
                        )
                    )
