"""The real server for the HTTP benchmarks: gunicorn with two workers on a free local port.

It runs against the benchmark's database and broker with the settings of the test environment
(DEBUG off, Redis cache and broker): evaluations that writes ask for are queued on Redis, as in
production, and no worker takes them during the run (the benchmark's Redis database is emptied
before and after).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def flush_redis(redis_url: str) -> None:
    """Empty the benchmark's own Redis database (queued evaluations, throttle counters)."""
    import redis

    redis.Redis.from_url(redis_url).flushdb()


@contextlib.contextmanager
def gunicorn(*, redis_url: str, workers: int = 2) -> Iterator[str]:
    """Serve the project with gunicorn; yields the base URL once it answers."""
    port = free_port()
    env = {
        **os.environ,
        "REDIS_URL": redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "DJANGO_SETTINGS_MODULE": "rehab.settings",
        # The throttles protect a shared server from one client; the benchmark is that client.
        "API_THROTTLE_USER": "1000000/hour",
        "API_THROTTLE_BULK": "1000000/hour",
        # Database connections kept between requests, as in production (the test settings
        # open one per request: a PostgreSQL process forked and its caches filled each time).
        "CONN_MAX_AGE": os.environ.get("CONN_MAX_AGE", "60"),
    }
    flush_redis(redis_url)
    # The server's log goes to a file: a pipe nobody reads would fill and stall the workers.
    log = tempfile.NamedTemporaryFile(  # noqa: SIM115 — closed in the finally below
        "w+", prefix="rehab-bench-gunicorn-", suffix=".log"
    )
    proc = subprocess.Popen(  # noqa: S603 — our own server
        [
            sys.executable,
            "-m",
            "gunicorn",
            "rehab.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base, proc, log)
        yield base
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        flush_redis(redis_url)


def _wait_for(base: str, proc: subprocess.Popen, log) -> None:
    import httpx

    for _ in range(120):
        if proc.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"gunicorn exited: {log.read()[-2000:]}")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    raise RuntimeError("gunicorn did not answer on /healthz")


def token_for(user) -> str:
    from rest_framework.authtoken.models import Token

    return Token.objects.get_or_create(user=user)[0].key
