"""Faults that must lose nothing: a worker process killed mid-chunk, the broker down."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from monitoring.evaluation import tasks
from monitoring.ingest import items
from monitoring.models import CaseEvaluation, DailyLog, Flag
from tests.factories import AthleteFactory, CaseFactory, UserFactory
from tests.plans import published_template, running_plan

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def make_cases(n: int, days: int) -> list[int]:
    dana = UserFactory(username="dana-f", kind="clinician")
    template = published_template(dana)
    today = timezone.localdate()
    ids = []
    for _ in range(n):
        case = CaseFactory(athlete=AthleteFactory())
        case.care_team.create(user=dana, role="lead_clinician")
        running_plan(
            case, dana, started_on=today - dt.timedelta(days=days), phase=2, template=template
        )
        DailyLog.objects.bulk_create(
            DailyLog(
                athlete=case.athlete,
                date=today - dt.timedelta(days=k),
                pain_during=7 if k < 2 else 1,
                night_pain=k == 0,
            )
            for k in range(days)
        )
        ids.append(case.pk)
    return ids


def worker_env() -> dict:
    db = connection.settings_dict
    return {
        **os.environ,
        "DJANGO_ENV": "test",
        "REDIS_URL": settings.REDIS_URL,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:"
        f"{db['PORT']}/{db['NAME']}",
    }


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


def cpu_ticks(pid: int) -> int:
    """User + system CPU time of a process, in clock ticks (/proc/PID/stat fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def test_a_worker_process_killed_mid_chunk_loses_and_duplicates_nothing(tmp_path):
    ids = make_cases(120, 40)
    from rehab.celery import app

    app.control.purge()
    log = tmp_path / "worker.log"
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "rehab",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            "1",
            "-l",
            "info",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"faults-{os.getpid()}@%h",
            "-f",
            str(log),
        ],
        cwd=ROOT,
        env=worker_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while not children(worker.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1.0)  # let the pool child finish booting Django
        (child,) = children(worker.pid)
        idle = cpu_ticks(child)
        tasks.evaluate_case_chunk.delay(ids, timezone.localdate().isoformat())
        # Kill the pool process once it is busy with the chunk: its CPU time starts to grow
        # (the chunk of 120 cases takes several times longer than that).
        deadline = time.monotonic() + 20
        while cpu_ticks(child) < idle + 3 and time.monotonic() < deadline:
            time.sleep(0.005)
        os.kill(child, signal.SIGKILL)
        # Wait for the redelivered chunk to run to its end (it may have committed its writes
        # just before the kill: then only the redelivery's "succeeded" line tells it ran again).
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (
            "succeeded" in log.read_text() and CaseEvaluation.objects.count() >= len(ids)
        ):
            time.sleep(0.25)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    text = log.read_text()
    # The pool process died while it held the chunk, and the chunk ran again to the end.
    assert "WorkerLostError" in text or "signal 9" in text, text[-2000:]
    assert "evaluate_case_chunk" in text and "succeeded" in text, text[-2000:]
    assert CaseEvaluation.objects.count() == len(ids), "the chunk was not redelivered"
    for case_id in ids:
        kinds = list(
            Flag.objects.filter(case_id=case_id, status__in=Flag.UNRESOLVED).values_list(
                "kind", flat=True
            )
        )
        assert sorted(kinds) == ["red_flag", "regression"], (case_id, kinds)


def test_broker_down_then_the_nightly_run_catches_up(monkeypatch, settings):
    (case_id,) = make_cases(1, 5)
    from kombu.exceptions import OperationalError

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.evaluate_case, "delay", broker_down)
    case = CaseFactory._meta.model.objects.get(pk=case_id)
    user = case.care_team.get().user
    log, _ = items.daily_log_record(
        athlete=case.athlete,
        date=timezone.localdate(),
        submitted_by=user,
        fields={"pain_during": 8},
    )
    assert DailyLog.objects.filter(pk=log.pk, pain_during=8).exists()  # the write stands
    assert not Flag.objects.filter(case_id=case_id).exists()  # nothing evaluated yet
    monkeypatch.undo()
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the nightly run, in-process (restored after)
    from rehab.celery import app

    app.conf.task_always_eager = True
    try:
        assert tasks.evaluate_active_cases() == 1
    finally:
        app.conf.task_always_eager = False
    assert Flag.objects.filter(case_id=case_id, kind="regression").exists()
