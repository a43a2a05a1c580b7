"""The nightly snapshots read each case's logs from its phase start only (led by the latest log
before it) and its sessions from its history start: the evaluations are those of the whole
history, and the database's cut is the same as the portable one."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from athletes.models import Case
from bench.data import generate
from monitoring.evaluation import selectors, sql
from monitoring.evaluation import windows as windows_read
from monitoring.models import ActivitySession, Assessment, DailyLog
from protocols.engine.gating import evaluate
from protocols.engine.records import AssessmentEntry, LogEntry, SessionEntry, Snapshot
from protocols.models import PlanPhase

TODAY = dt.date(2026, 3, 14)


def _whole_history(ctx: selectors.CaseContext) -> Snapshot:
    """The snapshot the engine was given before the windows: every log and session of the
    athlete from the history start (``LOAD_HISTORY_DAYS`` before the phase) to today."""
    began = min(ctx.phase.started_on or TODAY, TODAY)
    first = began - dt.timedelta(days=selectors.LOAD_HISTORY_DAYS)
    athlete = ctx.case.athlete_id
    logs = [
        LogEntry(*row)
        for row in DailyLog.objects.filter(athlete_id=athlete, date__gte=first, date__lte=TODAY)
        .order_by("date")
        .values_list(*sql.LOG_COLUMNS[1:])
    ]
    logs = [
        log._replace(
            pain_character=log.pain_character or None,
            pain_lasted_hours=None
            if log.pain_lasted_hours is None
            else float(log.pain_lasted_hours),
        )
        for log in logs
    ]
    sessions = [
        SessionEntry(*row)
        for row in ActivitySession.objects.filter(
            athlete_id=athlete, date__gte=first, date__lte=TODAY
        )
        .order_by("date", "id")
        .values_list(*sql.SESSION_COLUMNS[1:])
    ]
    assessments = [
        AssessmentEntry(*row)
        for row in Assessment.objects.filter(case_id=ctx.case.pk, date__gte=first, date__lte=TODAY)
        .order_by("date", "id")
        .values_list(*sql.ASSESSMENT_COLUMNS[1:])
    ]
    # Everything else (sign-off, risk, red limit, judged-from day, case facts, the phase's impact)
    # as the windows' snapshot has it: only the records' reach differs.
    whole = dataclasses.replace(ctx.snapshot, logs=logs, sessions=sessions, assessments=assessments)
    assert whole.phase_started_on == (ctx.phase.started_on or TODAY)
    assert whole.high_risk_site == (ctx.case.risk == Case.Risk.HIGH)
    return whole


@pytest.fixture
def cases(db):
    ids = generate(cases=16, days=90, today=TODAY, seed=11, team_name="Windows")
    contexts = {ctx.case.pk: ctx for ctx in selectors.chunk_snapshots(ids, TODAY)}
    phase = {pk: ctx.phase for pk, ctx in contexts.items()}
    athlete = {pk: ctx.case.athlete_id for pk, ctx in contexts.items()}
    a, b, c, d, e, f, g, h = ids[:8]
    # No log in the phase, one some weeks before it: the athlete last logged then.
    DailyLog.objects.filter(athlete_id=athlete[a], date__gte=phase[a].started_on).delete()
    DailyLog.objects.filter(
        athlete_id=athlete[a], date__gte=phase[a].started_on - dt.timedelta(days=20)
    ).delete()
    # No log in the phase nor within the history before it: never logged, as far as it knows.
    DailyLog.objects.filter(
        athlete_id=athlete[b], date__gte=phase[b].started_on - dt.timedelta(days=60)
    ).delete()
    # A phase that starts after today.
    PlanPhase.objects.filter(pk=phase[c].pk).update(started_on=TODAY + dt.timedelta(days=2))
    # A phase that started today, and one with logs after today (ignored).
    PlanPhase.objects.filter(pk=phase[d].pk).update(started_on=TODAY)
    DailyLog.objects.filter(athlete_id=athlete[e], date=TODAY - dt.timedelta(days=1)).update(
        date=TODAY + dt.timedelta(days=5)
    )
    # Several sessions on one day, one of them without an effort rating.
    for rpe in (4, None):
        ActivitySession.objects.create(
            athlete_id=athlete[f],
            date=TODAY - dt.timedelta(days=3),
            activity="cycle",
            minutes=40,
            rpe=rpe,
        )
    # Two active cases of one athlete, in different phases since different days.
    Case.objects.filter(pk=h).update(athlete_id=athlete[g])
    PlanPhase.objects.filter(pk=phase[h].pk).update(started_on=TODAY - dt.timedelta(days=40))
    return ids


def test_the_windows_evaluate_as_the_whole_history(cases):
    contexts = selectors.chunk_snapshots(cases, TODAY)
    assert len(contexts) == len(cases)
    read = 0
    for ctx in contexts:
        whole = _whole_history(ctx)
        assert len(ctx.snapshot.logs) <= len(whole.logs)
        read += len(whole.logs) - len(ctx.snapshot.logs)
        ours = evaluate(ctx.spec, ctx.snapshot, TODAY)
        assert ours.to_dict() == evaluate(ctx.spec, whole, TODAY).to_dict(), ctx.case.pk
    assert read > 0  # the windows did leave logs unread
    by_case = {ctx.case.pk: ctx for ctx in contexts}
    a, b, c = cases[:3]
    # The latest log before the phase, and only it, says when the athlete last logged.
    last = by_case[a].snapshot.logs[-1].day
    assert by_case[a].snapshot.logs == by_case[a].snapshot.logs[-1:]
    assert last < by_case[a].phase.started_on
    assert evaluate(by_case[a].spec, by_case[a].snapshot, TODAY).last_log_on == last
    assert by_case[b].snapshot.logs == ()
    assert evaluate(by_case[b].spec, by_case[b].snapshot, TODAY).last_log_on is None
    # A phase of the future: read from today, with the latest log before today.
    assert [log.day for log in by_case[c].snapshot.logs] == sorted(
        log.day for log in _whole_history(by_case[c]).logs
    )[-2:]


def test_the_databases_cut_is_the_portable_one(cases):
    contexts = selectors.chunk_snapshots(cases, TODAY)
    windows = selectors.case_windows([ctx.row for ctx in contexts], TODAY)
    assert windows_read.logs_and_sessions(windows, TODAY) == windows_read.cut_windows(
        windows, TODAY
    )
    g, h = cases[6:8]
    shared = {ctx.case.pk: ctx.snapshot for ctx in contexts if ctx.case.pk in (g, h)}
    # One athlete, two cases: each its own windows of the same rows.
    assert shared[g].logs != shared[h].logs
    assert set(shared[g].logs) <= set(shared[h].logs)


def test_a_context_makes_its_model_instances_only_when_asked(cases):
    ctx = selectors.chunk_snapshots(cases[:3], TODAY)[0]
    assert ctx._made is None
    assert (ctx.case_id, ctx.phase_id, ctx.phase_name) == (
        ctx.case.pk,
        ctx.phase.pk,
        ctx.phase.name,
    )
    assert ctx.plan.case is ctx.case and ctx.plan.current_phase is ctx.phase
    assert ctx.case.athlete.pk == ctx.case.athlete_id
    assert ctx.previous_phase.order == ctx.phase.order - 1 or ctx.previous_row is None


def test_chunk_after_chunk_each_reads_its_own_cases(cases):
    """The statements take each chunk's ids in every place they name them (the plans read
    names them on both sides of a join), and the prepared statements run with each chunk's
    values: chunk after chunk, each its own cases."""
    from django.db import connection

    alone = {case_id: selectors.chunk_snapshots([case_id], TODAY)[0].snapshot for case_id in cases}
    for chunk in (cases[:5], cases[5:9], cases[9:], cases[2:4]):
        got = {ctx.case_id: ctx.snapshot for ctx in selectors.chunk_snapshots(chunk, TODAY)}
        assert got == {case_id: alone[case_id] for case_id in chunk}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements")
            assert cursor.fetchone()[0] >= 2  # the logs' and the sessions' reads


def test_without_prepared_statements_the_reads_and_writes_are_the_same(cases):
    """``REHAB_PREPARED_STATEMENTS`` off (behind a pooler that does not keep them; the
    connection's ``prepare_threshold`` None): the same statements, bound on the server,
    unprepared; the same snapshots and evaluations stored."""
    from django.db import connection

    from monitoring.evaluation import services
    from monitoring.models import CaseEvaluation

    prepared = {ctx.case_id: ctx.snapshot for ctx in selectors.chunk_snapshots(cases, TODAY)}
    services.cases_evaluate(case_ids=cases, today=TODAY)
    stored = dict(CaseEvaluation.objects.values_list("case_id", "evaluation"))
    CaseEvaluation.objects.all().delete()
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        prepared_count = cursor.fetchone()[0]
        assert prepared_count >= 3  # the logs' and sessions' reads and the upsert above
        # the ORM's own statements are not prepared, however often they run
        for _ in range(12):
            assert Case.objects.filter(pk__in=cases).count() == len(cases)
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        assert cursor.fetchone()[0] == prepared_count
        cursor.execute("DEALLOCATE ALL")  # nothing prepared from here (psycopg forgets too)
    threshold = connection.connection.prepare_threshold
    connection.connection.prepare_threshold = None  # what OPTIONS gives a connection when off
    try:
        plain = {ctx.case_id: ctx.snapshot for ctx in selectors.chunk_snapshots(cases, TODAY)}
        services.cases_evaluate(case_ids=cases, today=TODAY)
    finally:
        connection.connection.prepare_threshold = threshold
    assert plain == prepared
    assert dict(CaseEvaluation.objects.values_list("case_id", "evaluation")) == stored
    assert len(stored) == len(cases)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        assert cursor.fetchone()[0] == 0


def test_the_prepared_statements_follow_the_setting():
    """``REHAB_PREPARED_STATEMENTS`` sets Django's documented OPTIONS: psycopg prepares a
    server-bound statement the first time (0), or never (None)."""
    import os
    import subprocess
    import sys

    code = (
        "from django.conf import settings; "
        "print(settings.DATABASES['default']['OPTIONS']['prepare_threshold'])"
    )
    for value, expected in (("true", "0"), ("false", "None")):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "rehab.settings",
            "REHAB_PREPARED_STATEMENTS": value,
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/x",
        }
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        assert out.stdout.strip() == expected


def test_the_prepared_statements_are_in_djangos_query_log(cases):
    """Django's query log (DEBUG, tests counting queries) shows each statement, also when it
    ran prepared, by name."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):  # the first prepares each statement, the next run them by name
        with CaptureQueriesContext(connection) as ctx:
            selectors.chunk_snapshots(cases, TODAY)
        assert len(ctx.captured_queries) == 5  # plans, logs, sessions, assessments, test batteries
        assert all(
            q["sql"] and q["sql"].lstrip().startswith("SELECT") for q in ctx.captured_queries
        )


def test_a_chunk_leaves_the_collector_nothing_to_walk(cases):
    """The cyclic collector is off while a chunk is evaluated, and back on only once the chunk's
    records are released: it does not walk them all when it comes back on (it did, with them
    still alive, on every chunk: about a twentieth of the evaluation's CPU time)."""
    import gc

    from monitoring.evaluation import services

    services.cases_evaluate(case_ids=cases, today=TODAY)  # the caches it keeps, filled
    during, passes = [], []
    real_evaluate = services.evaluate

    def evaluate(*args, **kwargs):
        during.append(gc.isenabled())
        return real_evaluate(*args, **kwargs)

    def callback(phase, info):
        if phase == "start":  # how many objects this pass walks
            passes.append(sum(len(gc.get_objects(g)) for g in range(info["generation"] + 1)))

    was = gc.isenabled()
    gc.enable()
    gc.collect()
    gc.callbacks.append(callback)
    services.evaluate = evaluate
    try:
        assert services.cases_evaluate(case_ids=cases, today=TODAY) == len(cases)
        left = len(gc.get_objects(0))
    finally:
        services.evaluate = real_evaluate
        gc.callbacks.remove(callback)
        if not was:
            gc.disable()
    assert during and not any(during)  # off for every case of the chunk
    assert gc.isenabled()
    # Its passes since (if any) walked a few objects, not every record the chunk made.
    assert max(passes, default=0) < 500, passes  # 1,095 when it walked the records
    assert left < 500, left


def test_the_named_statements_give_the_orms_rows(cases):
    """The plans read (``sql.plan_statement``) and the flags' and clinical teams' reads give
    what the ORM's querysets give, in the same order: plans with and without a phase before,
    a closed case's plan and a finished plan left out, an unknown id ignored."""
    from django.db import connection

    from athletes.models import Case
    from protocols.models import Plan

    if connection.vendor != "postgresql":
        pytest.skip("the named statements are PostgreSQL's")
    first = PlanPhase.objects.filter(plan__case_id=cases[3], plan__status="active").order_by(
        "order"
    )
    plan = first[0].plan
    plan.current_phase = first[0]
    plan.save(update_fields=["current_phase"])  # the first phase: no phase before it
    Case.objects.filter(pk=cases[4]).update(status=Case.Status.CLOSED)
    Plan.objects.filter(case_id=cases[5]).update(status=Plan.Status.COMPLETED)
    later = PlanPhase.objects.filter(plan__case_id=cases[6], plan__status="active", order__gt=1)
    Plan.objects.filter(case_id=cases[6], status="active").update(current_phase=later.first())
    ids = [*cases, 999_999]
    for chunk in (ids, ids[:3], ids[3:7], [999_999]):
        rows = selectors.plan_rows(chunk)
        assert rows == list(selectors._plan_rows(chunk))
    rows = {row[selectors._AT["case_id"]]: row for row in selectors.plan_rows(ids)}
    assert cases[4] not in rows and cases[5] not in rows and cases[6] in rows
    assert rows[cases[3]][selectors._PREVIOUS_AT] is None
    assert rows[cases[6]][selectors._PREVIOUS_AT] is not None
    # The assessments: within the window, and a bone-health screen from any day before it.
    start, end = TODAY - dt.timedelta(days=20), TODAY
    for case_id, test, days_ago, value in (
        (cases[0], "single_leg_hop", 5, 12),
        (cases[0], "single_leg_hop", 30, 8),  # before the window: not read
        (cases[0], "reds_screen", 200, 1),  # a screen: read from any day
        (cases[1], "heel_raise", 0, 25),
        (cases[1], "heel_raise", -1, 30),  # after the end: not read
    ):
        Assessment.objects.create(
            case_id=case_id, test=test, value=value, date=TODAY - dt.timedelta(days=days_ago)
        )
    for chunk in (ids, cases[:1], [999_999]):
        got = selectors.assessment_rows(chunk, start, end)
        assert got == list(selectors._assessment_rows(chunk, start, end))
    read = {(row[0], row[2], row[1]) for row in selectors.assessment_rows(cases[:2], start, end)}
    assert (cases[0], "reds_screen", TODAY - dt.timedelta(days=200)) in read
    assert (cases[0], "single_leg_hop", TODAY - dt.timedelta(days=30)) not in read
    assert (cases[1], "heel_raise", TODAY + dt.timedelta(days=1)) not in read
    # The test batteries: one row per result, a battery without results once, in the window.
    from monitoring.evaluation import batteries
    from monitoring.models import BatteryResult, TestBattery

    for case_id, days_ago, results in (
        (cases[0], 3, [("hop_distance", "", 150.5, 180.0, 2), ("calf_raises", "", 20, None, 0)]),
        (cases[0], 4, []),  # a battery without results
        (cases[0], 25, [("hop_distance", "", 140, 170, 1)]),  # before the window: not read
        (cases[1], 1, [("isometric_strength", "hip_abductors", 30.2, 35.1, None)]),
    ):
        battery = TestBattery.objects.create(
            case_id=case_id, date=TODAY - dt.timedelta(days=days_ago), involved_side="left",
            limb_length_left_cm=91.5 if results else None,
        )  # fmt: skip
        for test, group, left, right, pain in results:
            BatteryResult.objects.create(
                battery=battery, test=test, muscle_group=group, unit="cm", left=left,
                right=right, pain=pain,
            )  # fmt: skip
    for chunk in (ids, cases[:1], [999_999]):
        got = sql.battery_rows(chunk, start, end)
        assert got == list(batteries.symmetry_rows(chunk, start, end))
    got = sql.battery_rows(cases[:2], start, end)
    assert len(got) == 4 and [row[6] for row in got].count(None) == 1
    assert batteries.case_symmetry(cases[:2], start, end)[cases[0]]
    # The flags to reconcile: every field but the evaluation, open and acknowledged ones.
    from monitoring.evaluation import services
    from monitoring.models import Flag

    services.cases_evaluate(case_ids=cases, today=TODAY)
    assert Flag.objects.filter(case_id__in=cases).exists()
    Flag.objects.filter(pk=Flag.objects.filter(case_id__in=cases).first().pk).update(
        status=Flag.Status.ACKNOWLEDGED
    )
    for chunk in (ids, cases[:4], [999_999]):
        got = sql.flag_rows(chunk, sorted(Flag.UNRESOLVED))
        fields = selectors._FLAG_FIELDS
        assert got == list(selectors.unresolved_flags(chunk).order_by("pk").values_list(*fields))
    # The flags a person resolved (a clinician's review), read by the named statement as by
    # the ORM: a flag the evaluation resolved is not one.
    from athletes.models import User

    reviewed, closed = Flag.objects.filter(case_id__in=cases).order_by("pk")[:2]
    person = User.objects.create_user("reviewer", password="x")  # noqa: S106
    Flag.objects.filter(pk=reviewed.pk).update(status=Flag.Status.RESOLVED, resolved_by=person)
    Flag.objects.filter(pk=closed.pk).update(status=Flag.Status.RESOLVED)  # by the evaluation
    for chunk in (ids, cases[:4], [999_999]):
        assert sql.reviewed_rows(chunk) == list(selectors._reviewed(chunk))
    assert [row[3] for row in sql.reviewed_rows(ids)] == [reviewed.message]
    flags = selectors.unresolved_flags_to_reconcile(ids)
    assert [f.pk for f in flags] == sorted(
        Flag.objects.filter(case_id__in=cases, status__in=Flag.UNRESOLVED).values_list(
            "pk", flat=True
        )
    )
