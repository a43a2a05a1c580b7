"""Nightly evaluation: the in-process fan-out against fetching its data with plain psycopg."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from monitoring import selectors, tasks
from monitoring.models import CaseEvaluation, Flag, Notification

from .report import Figure, Report

ROOT = Path(__file__).resolve().parent.parent


def raw_fetch(today: dt.date) -> tuple[float, int]:
    """Seconds for psycopg to fetch every row the evaluation reads, into Python tuples.

    The evaluation's windows, in plain SQL: each active case's logs from its phase start (and
    the latest log before it, within the history), its sessions and assessments from
    ``LOAD_HISTORY_DAYS`` before the phase start, its plan and phase, the unresolved flags.
    """
    history = selectors.LOAD_HISTORY_DAYS
    windows = (
        "SELECT c.id AS case_id, c.athlete_id, "
        "LEAST(COALESCE(ph.started_on, %(today)s), %(today)s) AS began "
        "FROM protocols_plan p JOIN athletes_case c ON c.id = p.case_id "
        "JOIN protocols_planphase ph ON ph.id = p.current_phase_id "
        "WHERE p.status = 'active' AND c.status = 'active'"
    )
    log_columns = (
        "l.date, l.pain_rest, l.pain_during, l.pain_after, l.pain_next_morning, "
        "l.pain_character, l.localized, l.night_pain, l.swelling, l.pain_lasted_hours"
    )
    queries = [
        "SELECT p.id, p.case_id, c.athlete_id, c.risk, ph.id, ph.started_on, ph.signed_off_on, "
        "ph.min_days, ph.advance_when, ph.regress_when, ph.warn_when FROM protocols_plan p "
        "JOIN athletes_case c ON c.id = p.case_id JOIN protocols_planphase ph "
        "ON ph.id = p.current_phase_id WHERE p.status = 'active' AND c.status = 'active'",
        f"SELECT w.case_id, {log_columns} FROM ({windows}) w JOIN monitoring_dailylog l "
        "ON l.athlete_id = w.athlete_id AND l.date >= w.began AND l.date <= %(today)s",
        f"SELECT DISTINCT ON (w.case_id) w.case_id, {log_columns} FROM ({windows}) w "
        "JOIN monitoring_dailylog l ON l.athlete_id = w.athlete_id AND l.date < w.began "
        f"AND l.date >= w.began - {history} ORDER BY w.case_id, l.date DESC",
        "SELECT w.case_id, s.date, s.activity, s.minutes, s.rpe, s.pain_during "
        f"FROM ({windows}) w JOIN monitoring_activitysession s ON s.athlete_id = w.athlete_id "
        f"AND s.date >= w.began - {history} AND s.date <= %(today)s",
        "SELECT a.case_id, a.date, a.test, a.value, a.pain "
        f"FROM ({windows}) w JOIN monitoring_assessment a ON a.case_id = w.case_id "
        f"AND a.date >= w.began - {history} AND a.date <= %(today)s",
        "SELECT id, case_id, phase_id, kind, status, title, message FROM monitoring_flag "
        "WHERE status IN ('open', 'acknowledged')",
    ]
    connection.ensure_connection()
    raw = connection.connection
    rows = 0
    began = time.perf_counter()
    with raw.cursor() as cur:
        for sql in queries:
            cur.execute(sql, {"today": today})
            rows += len(cur.fetchall())
    return time.perf_counter() - began, rows


def whole_window_fetch(today: dt.date) -> tuple[float, int]:
    """Seconds for psycopg to fetch every log and session of the last 116 days (the history
    and the longest phase of the synthetic data): the baseline of the earlier rounds, when the
    evaluation read each chunk's athletes from the earliest history start."""
    start = today - dt.timedelta(days=selectors.LOAD_HISTORY_DAYS + 60)
    connection.ensure_connection()
    rows = 0
    began = time.perf_counter()
    with connection.connection.cursor() as cur:
        for table, columns in (
            (
                "monitoring_dailylog",
                "athlete_id, date, pain_rest, pain_during, pain_after, pain_next_morning, "
                "pain_character, localized, night_pain, swelling, pain_lasted_hours",
            ),
            ("monitoring_activitysession", "athlete_id, date, activity, minutes, rpe, pain_during"),
        ):
            cur.execute(
                f"SELECT {columns} FROM {table} WHERE date >= %s AND date <= %s",  # noqa: S608
                [start, today],
            )
            rows += len(cur.fetchall())
    return time.perf_counter() - began, rows


def _as_generated() -> None:
    """Back to the data as generated: no flag (nor its history or notices), no evaluation."""
    Notification.objects.all().delete()
    Flag.history.model.objects.all().delete()
    Flag.objects.all().delete()
    CaseEvaluation.objects.all().delete()
    with connection.cursor() as cursor:
        for model in (Notification, Flag.history.model, Flag, CaseEvaluation):
            cursor.execute(f"VACUUM {model._meta.db_table}")


def run_in_process(
    report: Report, *, cases: int, today: dt.date, profile: str | None = None
) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from rehab.celery import app

    app.conf.task_always_eager = True
    fetch_s, rows = min(raw_fetch(today) for _ in range(3))
    whole_s, whole_rows = min(whole_window_fetch(today) for _ in range(3))
    # The first night on fresh data (every flag opened, notified and e-mailed) and the next
    # night (flags open), each the best of three, as the fetch is: a run of a second or two on
    # a shared machine is easily slowed by something else. Before each first night the flags,
    # their history and notices and the evaluations are deleted, as before the first.
    # CPU seconds of this process as well: the wall clock also counts the time other programs
    # held the cores.
    firsts = []
    for attempt in range(3):
        _as_generated()
        profiler = None
        if profile and attempt == 2:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.001)
            profiler.start()
        began, cpu = time.perf_counter(), time.process_time()
        evaluated = tasks.evaluate_active_cases(today.isoformat())
        firsts.append((time.perf_counter() - began, time.process_time() - cpu))
        if profiler is not None:
            profiler.stop()
            Path(profile).write_text(profiler.output_html())
    eval_s, eval_cpu = min(firsts)
    assert evaluated == cases, (evaluated, cases)
    report.add(Figure("nightly.cases", cases, "cases", "", None))
    report.add(Figure("nightly.rows_read", rows, "rows", "", None))
    report.add(
        Figure(
            "nightly.evaluation_s",
            eval_s,
            "s",
            "",
            None,
            f"{cases / eval_s:.0f} cases/s in one process; {eval_cpu:.1f} s CPU in it",
        )
    )
    report.add(Figure("nightly.raw_fetch_s", fetch_s, "s", "", None, "the rows it reads"))
    report.add(
        Figure(
            "nightly.whole_window_fetch_s",
            whole_s,
            "s",
            "",
            None,
            f"{whole_rows} logs and sessions of the last 116 days (earlier rounds' baseline)",
        )
    )
    ratio = eval_s / fetch_s
    report.add(
        Figure(
            "nightly.evaluation_over_fetch",
            ratio,
            "ratio",
            "<= 2.0",
            ratio <= 2.0,
            "first run on fresh data: opens every flag, notifies, composes the e-mails",
        )
    )
    # The next night: the same cases again, their flags already open (updates, few openings).
    nexts = []
    for _ in range(3):
        began, cpu = time.perf_counter(), time.process_time()
        tasks.evaluate_active_cases(today.isoformat())
        nexts.append((time.perf_counter() - began, time.process_time() - cpu))
    again_s, again_cpu = min(nexts)
    report.add(
        Figure(
            "nightly.steady_evaluation_s",
            again_s,
            "s",
            "",
            None,
            f"{cases / again_s:.0f} cases/s, flags already open; {again_cpu:.1f} s CPU",
        )
    )
    again = again_s / fetch_s
    report.add(Figure("nightly.steady_over_fetch", again, "ratio", "<= 2.0", again <= 2.0))
    for name, seconds in (("first", eval_s), ("steady", again_s)):
        report.add(
            Figure(
                f"nightly.{name}_over_whole_window",
                seconds / whole_s,
                "ratio",
                "",
                None,
                "against the earlier rounds' baseline",
            )
        )


def run_scale_out(report: Report, *, cases: int, today: dt.date, redis_url: str) -> None:
    """Cases per second with one, then two worker processes on the same Redis and database.

    Both runs evaluate the same night with the flags already open: on fresh data (when the
    in-process benchmark did not run first) one in-process run opens them beforehand, or the
    one-worker run alone would pay for opening every flag.
    """
    if not CaseEvaluation.objects.filter(evaluated_for=today).exists():
        settings.CELERY_TASK_ALWAYS_EAGER = True
        from rehab.celery import app

        app.conf.task_always_eager = True
        tasks.evaluate_active_cases(today.isoformat())
    rates = {}
    for workers in (1, 2):
        # Persistent database connections, as in production (settings: 60 s): with none, a
        # worker opens a connection per task, and a new PostgreSQL backend reads its catalogue
        # again before its first queries.
        env = {
            **os.environ,
            "REDIS_URL": redis_url,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "CONN_MAX_AGE": os.environ.get("CONN_MAX_AGE", "60"),
        }
        subprocess.run(
            [sys.executable, "-m", "celery", "-A", "rehab", "purge", "-f"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            check=False,
            timeout=60,
        )
        proc = subprocess.Popen(  # noqa: S603 — our own worker
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "rehab",
                "worker",
                "-l",
                "warning",
                "--pool",
                "prefork",
                "--concurrency",
                str(workers),
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"bench{workers}@%h",
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait_for_worker(env)
            # A first night warms the worker processes (their connections, compiled
            # statements and phase specs, as on any night after the first): not timed. Then
            # the best of three nights: a run of a second or two on a shared machine is
            # easily slowed by something else.
            _night(env, today, cases)
            elapsed = min(_night(env, today, cases) for _ in range(3))
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
        rates[workers] = cases / elapsed
        report.add(
            Figure(
                f"scale_out.workers_{workers}",
                rates[workers],
                "cases/s",
                "",
                None,
                # Other load on the machine takes cores from the workers: say how much there was.
                f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
            )
        )
    speedup = rates[2] / rates[1]
    report.add(
        Figure(
            "scale_out.speedup_2_workers",
            speedup,
            "x",
            ">= 1.7",
            speedup >= 1.7,
            f"{os.cpu_count()} cores",
        )
    )


def _night(env: dict, today: dt.date, cases: int) -> float:
    """Seconds from sending the nightly task to the workers until every case is evaluated.

    Done is seen by counting the evaluations written since the start, every 50 ms. Each night
    rewrites every case's evaluation; a day's autovacuum would clean the old versions, but
    nights run back to back here, so the table is vacuumed first: counting through the dead
    rows of the nights before took the database a core's tenth, from the workers.
    """
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM {CaseEvaluation._meta.db_table}")
    marker = timezone.now()
    # The publisher prints the time it sends the nightly task: a fresh interpreter's start-up
    # (a second or two, the same with any number of workers) is not the workers' time.
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django,os,time; django.setup(); "
            "from monitoring.tasks import evaluate_active_cases as t; "
            "print(time.time(), flush=True); "
            f"t.delay('{today.isoformat()}').get(timeout=600)",
        ],
        env={**env, "DJANGO_SETTINGS_MODULE": "rehab.settings"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if result.returncode:
        raise RuntimeError(result.stderr)
    published = float(result.stdout.split()[0])
    while True:
        done = CaseEvaluation.objects.filter(evaluated_at__gt=marker).count()
        if done >= cases:
            return time.time() - published
        if time.time() - published > 900:
            raise TimeoutError(f"{done} of {cases} evaluated")
        time.sleep(0.05)


def _wait_for_worker(env: dict) -> None:
    deadline = time.monotonic() + 300  # a loaded machine takes its time to boot Django twice
    while time.monotonic() < deadline:
        ping = subprocess.run(
            [sys.executable, "-m", "celery", "-A", "rehab", "inspect", "ping", "--timeout", "1"],
            env=env,
            cwd=ROOT,
            capture_output=True,
        )
        if ping.returncode == 0:
            return
        time.sleep(0.5)
    raise RuntimeError("the benchmark's Celery worker did not start")
