"""Nightly evaluation: the in-process fan-out against fetching its data with plain psycopg."""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

from celery import Celery
from django.conf import settings
from django.db import connection
from django.utils import timezone

from monitoring.evaluation import selectors, services, tasks
from monitoring.evaluation.sql import LOG_COLUMNS
from monitoring.models import CaseEvaluation, Flag, Notification
from protocols.engine.gating import Evaluation

from .report import Figure, Report

ROOT = Path(__file__).resolve().parent.parent


# The guard rails (README, Performance): the night's evaluation ÷ the raw fetch of its rows.
FIRST_NIGHT_RAIL = 5.0  # every flag opened, notified, e-mailed
NEXT_NIGHT_RAIL = 3.0  # flags already open


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
    log_columns = ", ".join(f"l.{name}" for name in LOG_COLUMNS[1:])
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
                ", ".join(LOG_COLUMNS),
            ),
            ("monitoring_activitysession", "athlete_id, date, activity, minutes, rpe, pain_during"),
        ):
            cur.execute(
                f"SELECT {columns} FROM {table} WHERE date >= %s AND date <= %s",  # noqa: S608
                [start, today],
            )
            rows += len(cur.fetchall())
    return time.perf_counter() - began, rows


def _vacuum(model) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM {model._meta.db_table}")


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
) -> tuple[float, float, float]:
    """The nightly figures. Returns the seconds of the raw fetch, the first night and the next
    (for ``run_floor``)."""
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
            f"<= {FIRST_NIGHT_RAIL}",
            ratio <= FIRST_NIGHT_RAIL,
            "first run on fresh data: opens every flag, notifies, composes the e-mails",
        )
    )
    # The next night: the same cases again, their flags already open (updates, few openings).
    # Each rewrites every case's evaluation; nights a day apart find the old versions cleaned
    # by autovacuum, nights back to back here would not (and autovacuum, woken by the first,
    # would clean them on the other core while the next is timed): the table is vacuumed
    # before each, untimed, as before each night of the scale-out.
    nexts = []
    for _ in range(3):
        _vacuum(CaseEvaluation)
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
    report.add(
        Figure(
            "nightly.steady_over_fetch",
            again,
            "ratio",
            f"<= {NEXT_NIGHT_RAIL}",
            again <= NEXT_NIGHT_RAIL,
        )
    )
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
    return fetch_s, eval_s, again_s


def run_floor(
    report: Report, *, cases: int, today: dt.date, fetch_s: float, first_s: float, steady_s: float
) -> None:
    """The nights again with every case's evaluation and its JSON computed beforehand and
    handed over at once: what a night costs beyond the criteria (the reads, the flags, their
    history and notices, the e-mails, the upsert, the transactions and the tasks).

    A measurement, not a mode of the application: the evaluations of an untimed night are
    kept by case, then given back in place of ``gating.evaluate`` and ``Evaluation.to_json``.
    Each timed night's stored evaluations are checked equal to the kept ones, so the floor
    nights wrote what the real ones did.
    """
    kept: dict[int, Evaluation] = {}
    evaluate_contexts, evaluate = services.evaluate_contexts, services.evaluate

    def chunks(*, keep: bool):
        """``evaluate_contexts`` with each case's evaluation kept (``keep``), else the kept
        one handed over in place of ``evaluate``."""

        def chunk(contexts, day, existing, *reviewed):
            case_of = {id(ctx.snapshot): ctx.case_id for ctx in contexts}

            def evaluate_case(spec, snapshot, *args, **kwargs):
                case_id = case_of[id(snapshot)]
                if keep:
                    kept[case_id] = evaluate(spec, snapshot, *args, **kwargs)
                return kept[case_id]

            with mock.patch.object(services, "evaluate", evaluate_case):
                return evaluate_contexts(contexts, day, existing, *reviewed)

        return chunk

    with mock.patch.object(services, "evaluate_contexts", chunks(keep=True)):
        tasks.evaluate_active_cases(today.isoformat())
    texts = {id(evaluation): evaluation.to_json() for evaluation in kept.values()}

    def night(first: bool) -> float:
        if first:
            _as_generated()
        else:
            _vacuum(CaseEvaluation)
        with (
            mock.patch.object(services, "evaluate_contexts", chunks(keep=False)),
            mock.patch.object(Evaluation, "to_json", lambda self: texts[id(self)]),
        ):
            began = time.perf_counter()
            tasks.evaluate_active_cases(today.isoformat())
            seconds = time.perf_counter() - began
        stored = dict(CaseEvaluation.objects.values_list("case_id", "evaluation"))
        if len(stored) != cases or any(
            stored[case_id] != json.loads(texts[id(evaluation)])
            for case_id, evaluation in kept.items()
        ):
            raise AssertionError("a criteria-free night stored other evaluations")
        return seconds

    for name, first, real_s in (("first", True, first_s), ("steady", False, steady_s)):
        floor_s = min(night(first) for _ in range(3))
        report.add(
            Figure(
                f"nightly.{name}_floor_over_fetch",
                floor_s / fetch_s,
                "ratio",
                "",
                None,
                f"{floor_s:.2f} s with the criteria taking no time; "
                f"the criteria {(real_s - floor_s) / fetch_s:.2f} fetches",
            )
        )


ROUNDS = 5  # of the scale-out: one worker, then two, in each
TIMED_NIGHTS = 3  # per start of the workers: their median is the start's figure


def run_scale_out(
    report: Report, *, cases: int, today: dt.date, redis_url: str, rounds: int = ROUNDS
) -> None:
    """Cases per second with one and with two worker processes on the same Redis and database.

    Both runs evaluate the same night with the flags already open: on fresh data (when the
    in-process benchmark did not run first) one in-process run opens them beforehand, or the
    one-worker run alone would pay for opening every flag.
    """
    if not CaseEvaluation.objects.filter(evaluated_for=today).exists():
        settings.CELERY_TASK_ALWAYS_EAGER = True
        from rehab.celery import app

        app.conf.task_always_eager = True
        tasks.evaluate_active_cases(today.isoformat())
    # Rounds of one worker, then two, each count timed in every round. The machine's speed
    # drifts from one minute to the next (other programs, other machines on the host): timing
    # all of one count before all of the other put that drift in the ratio, and a best night
    # of each count picked each from its luckiest moment. Each round's ratio compares two
    # neighbouring runs, each the median of ``TIMED_NIGHTS`` nights; the figures are the
    # medians of the rounds (``ROUNDS`` unless asked).
    timed = [
        {
            workers: cases / _nights_with_workers(workers, redis_url, today, cases)
            for workers in (1, 2)
        }
        for _ in range(rounds)
    ]
    load = os.getloadavg()[0]
    for workers in (1, 2):
        report.add(
            Figure(
                f"scale_out.workers_{workers}",
                statistics.median(r[workers] for r in timed),
                "cases/s",
                "",
                None,
                f"median of {rounds} rounds: " + ", ".join(f"{r[workers]:.0f}" for r in timed),
            )
        )
    ratios = [r[2] / r[1] for r in timed]
    speedup = statistics.median(ratios)
    report.add(
        Figure(
            "scale_out.speedup_2_workers",
            speedup,
            "x",
            ">= 1.7",
            speedup >= 1.7,
            # Other load on the machine takes cores from the workers: say how much there was.
            f"median of {rounds} rounds: {', '.join(f'{x:.2f}' for x in ratios)}; "
            f"{os.cpu_count()} cores, load average {load:.1f}",
        )
    )


def _worker_env(redis_url: str) -> dict:
    # Persistent database connections, as in production (settings: 60 s): with none, a worker
    # opens a connection per task, and a new PostgreSQL backend reads its catalogue again before
    # its first queries.
    return {
        **os.environ,
        "REDIS_URL": redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "CONN_MAX_AGE": os.environ.get("CONN_MAX_AGE", "60"),
    }


def _nights_with_workers(workers: int, redis_url: str, today: dt.date, cases: int) -> float:
    """Seconds of a night with ``workers`` worker processes: the median of ``TIMED_NIGHTS``
    nights in a row after an untimed one. A night of 2,000 cases on two workers lasts half a
    second, in which a moment of the host's other load moved one night by a quarter."""
    client = _client(redis_url)
    client.control.purge()
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
        env=_worker_env(redis_url),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_worker(client)
        # A first night warms the worker processes (their connections, compiled statements
        # and phase specs, as on any night after the first) and this process's connections to
        # the broker and the result backend: not timed.
        _night(client, today, cases)
        return statistics.median(_night(client, today, cases) for _ in range(TIMED_NIGHTS))
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)


def _night(client: Celery, today: dt.date, cases: int) -> float:
    """Seconds from sending the nightly task to the workers until every case is evaluated.

    This process sends it, by name, through the workers' broker (``_client``): a publisher
    started for each night counted what Celery does on a process's first send (finalizing the
    app, importing every task module, connecting), 0.3 s or more of every night, the same with
    any number of workers. Done is seen by counting the evaluations written since the start,
    every 50 ms until nine in ten are written, then every 5 ms: the end was seen 25 ms late on
    average, a twentieth of a two-worker night and a fortieth of a one-worker one. Each night
    rewrites every case's evaluation; a day's autovacuum would clean the old versions, but
    nights run back to back here, so the table is vacuumed first: counting through the dead
    rows of the nights before took the database a core's tenth, from the workers.
    """
    _vacuum(CaseEvaluation)
    marker = timezone.now()
    published = time.time()
    # The fan-out task returns once every chunk is queued.
    client.send_task(NIGHTLY_TASK, args=[today.isoformat()]).get(timeout=600)
    while True:
        done = CaseEvaluation.objects.filter(evaluated_at__gt=marker).count()
        if done >= cases:
            return time.time() - published
        if time.time() - published > 900:
            raise TimeoutError(f"{done} of {cases} evaluated")
        time.sleep(0.05 if done < cases * 0.9 else 0.005)


NIGHTLY_TASK = tasks.evaluate_active_cases.name


@functools.cache
def _client(redis_url: str) -> Celery:
    """A Celery client of the workers' broker and result backend in this process (whose own
    app runs tasks eagerly): it sends the nightly task by name, purges and pings."""
    return Celery("bench", broker=redis_url, backend=redis_url, set_as_current=False)


def _wait_for_worker(client: Celery) -> None:
    deadline = time.monotonic() + 300  # a loaded machine takes its time to boot Django twice
    while time.monotonic() < deadline:
        if client.control.ping(timeout=0.5):
            return
        time.sleep(0.2)
    raise RuntimeError("the benchmark's Celery worker did not start")
