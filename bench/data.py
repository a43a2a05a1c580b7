"""Seeded synthetic data at scale, written with COPY where the volume is large.

Every case: a low-risk tibial BSI on the shipped template, an active plan in a phase chosen at
random, ``days`` days of daily logs (about 1 in 12 days missing) and about four sessions a week,
with pain mostly low and the odd bad week, so the evaluation meets every branch.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random

from django.db import connection, transaction
from django.utils import timezone

from athletes.models import Athlete, CareTeamMember, Case, Team, User
from monitoring import schema
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


# The columns a synthetic row may give besides the schema's fields (monitoring.schema).
_META = frozenset(
    {"athlete_id", "date", "source", "external_id", "submitted_by_id", "created_at", "updated_at"}
)


def _copy(cur, table: str, fields: tuple, rows) -> None:
    """COPY ``rows`` (dicts by column name) into ``table``: the columns are the first row's
    names, each a field of the schema (``fields``) or a record's own column (``_META``), and
    every row gives the same ones; a column not given takes its default. A value goes by its
    column's name, so it cannot land in its neighbour's column."""
    known = _META | {f.name for f in fields}
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return
    columns = tuple(first)
    unknown = set(columns) - known
    if unknown:
        raise LookupError(f"{table} has no field {', '.join(sorted(unknown))} in the schema.")
    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in itertools.chain([first], rows):
            if tuple(row) != columns:
                raise LookupError(f"A row of {table} gives other columns: {tuple(row)}.")
            copy.write_row(tuple(row.values()))


def _log_rows(athletes, *, days, today, rng, submitted_by, now):
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
            yield {
                "athlete_id": athlete.pk,
                "date": day,
                "pain_rest": 0,
                "pain_during": during,
                "pain_after": max(0, during - 1),
                "pain_next_morning": 0 if n else None,
                "pain_character": "dull" if during else "none",
                "localized": False,
                "pain_location": "",
                "night_pain": night,
                "swelling": False,
                "fatigue": rng.randint(2, 4),
                "sleep_hours": 7.5,
                "sleep_quality": 3,
                "stress": 3,
                "mood": 3,
                "soreness": 3,
                "steps": rng.randint(4000, 12000),
                "note": "",
                "source": "import",
                "submitted_by_id": submitted_by,
                "created_at": _written(day, now),
                "updated_at": _written(day, now),
            }


def _session_rows(athletes, *, days, today, rng, submitted_by, now):
    for athlete in athletes:
        spike = rng.random() < 0.1
        for n in range(days, -1, -1):
            if rng.random() > 4 / 7:
                continue
            day = today - dt.timedelta(days=n)
            yield {
                "athlete_id": athlete.pk,
                "date": day,
                "activity": rng.choice(ACTIVITIES),
                "minutes": 30 if not (spike and n < 7) else 80,
                "rpe": rng.randint(3, 6),
                "surface": "",
                "footwear": "",
                "pain_during": 0,
                "note": "",
                "completion": "",
                "source": "import",
                "external_id": "",
                "submitted_by_id": submitted_by,
                "created_at": _written(day, now),
                "updated_at": _written(day, now),
            }


def _copy_history(athletes, *, days, today, rng, submitted_by) -> None:
    """Each athlete's daily logs and sessions of the last ``days`` days, by COPY."""
    args = {"days": days, "today": today, "rng": rng, "submitted_by": submitted_by}
    now = timezone.now()
    connection.ensure_connection()
    with connection.connection.cursor() as cur:
        _copy(cur, "monitoring_dailylog", schema.LOG, _log_rows(athletes, now=now, **args))
        _copy(
            cur,
            "monitoring_activitysession",
            schema.SESSION,
            _session_rows(athletes, now=now, **args),
        )
