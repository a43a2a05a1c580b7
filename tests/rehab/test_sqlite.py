"""The embedded default (``make run``: SQLite, DEBUG on, in-process tasks) holds up as PostgreSQL
does: concurrent writers wait for each other instead of failing, a writer that cannot get the
lock in time is a 503 with ``Retry-After`` and a JSON body, and an id no row can have is a 4xx.

The app runs as ``make run`` runs it (``manage.py runserver``, threaded) in separate processes on
a SQLite file made for this module; requests come from real threads of this one. Two servers
share the file: one waits the default 20 s for the lock, the other 1 s.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.clock import skip_when_travelling

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    skip_when_travelling,  # the servers' "today" is the machine's; the items are dated by it
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
]


class Server:
    def __init__(self, url: str, token: str):
        self.url, self.token = url, token

    def call(self, method: str, path: str, body: dict | None = None, *, token: bool = True):
        """(status, headers, JSON body or None) of one request; never raises for a status."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)  # noqa: S310
        request.add_header("Content-Type", "application/json")
        request.add_header("Accept", "application/json")
        if token:
            request.add_header("Authorization", f"Token {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
                status, headers, raw = response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            status, headers, raw = error.code, dict(error.headers), error.read()
        try:
            return status, headers, json.loads(raw)
        except ValueError:
            return status, headers, None


def _env(database: Path, **extra) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ENV", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return {**env, "DATABASE_URL": f"sqlite:///{database}", "PYTHONUNBUFFERED": "1", **extra}


def _manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(env: dict, log: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=5):  # noqa: S310
                return process, url
        except urllib.error.HTTPError:
            return process, url  # it answers
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise AssertionError(f"runserver did not start: {log.read_text()[-2000:]}")


@pytest.fixture(scope="module")
def sqlite_app(tmp_path_factory):
    """The demo clinic on a SQLite file, served twice: ``patient`` (a 20 s busy timeout, the
    default) and ``hasty`` (1 s)."""
    folder = tmp_path_factory.mktemp("sqlite")
    database = folder / "rehab.sqlite3"
    env = _env(database)
    _manage(env, "migrate", "--noinput", "-v", "0")
    _manage(env, "seed_demo")
    token = _manage(env, "drf_create_token", "clinician").split()[2]
    servers, processes = {}, []
    for name, timeout in (("patient", "20"), ("hasty", "1")):
        process, url = _start(_env(database, SQLITE_BUSY_TIMEOUT=timeout), folder / f"{name}.log")
        processes.append(process)
        servers[name] = Server(url, token)
    yield database, servers
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def _maya(server: Server) -> int:
    status, _, body = server.call("GET", "/api/v1/athletes/?limit=100")
    assert status == 200, body
    return next(a["id"] for a in body["results"] if a["first_name"] == "Maya")


def test_the_local_database_keeps_a_write_ahead_log(sqlite_app):
    database, _ = sqlite_app
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_concurrent_bulk_writes_wait_for_each_other_and_each_lands_whole(sqlite_app):
    """Four requests upserting the same 40 days at once: each answers 200, none 500 ("database
    is locked"), and every day holds the values of one request, the last to commit (each
    request is one transaction: nothing half-written, one row per day)."""
    database, servers = sqlite_app
    server = servers["patient"]
    maya = _maya(server)
    today = dt.date.today()
    days = [today - dt.timedelta(days=n) for n in range(1, 41)]

    def items(pain: int) -> dict:
        return {
            "items": [
                {"athlete": maya, "date": d.isoformat(), "pain_rest": 0, "pain_during": pain}
                for d in days
            ]
        }

    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        futures = [
            pool.submit(server.call, "POST", "/api/v1/daily-logs/bulk/", items(pain))
            for pain in (1, 2, 3, 4)
        ]
        answers = [f.result() for f in futures]
    assert [status for status, _, _ in answers] == [200, 200, 200, 200], [
        (status, body) for status, _, body in answers
    ]
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT date, pain_during FROM monitoring_dailylog"
            " WHERE athlete_id = ? AND date BETWEEN ? AND ?",
            (maya, days[-1].isoformat(), days[0].isoformat()),
        ).fetchall()
    assert sorted(d for d, _ in rows) == sorted(d.isoformat() for d in days)
    assert len({pain for _, pain in rows}) == 1  # one request's values, whole


def test_concurrent_bulk_sessions_all_land(sqlite_app):
    _, servers = sqlite_app
    server = servers["patient"]
    maya = _maya(server)
    today = dt.date.today().isoformat()

    def items(batch: int) -> dict:
        return {
            "items": [
                {
                    "athlete": maya,
                    "date": today,
                    "external_id": f"sqlite-{batch}-{n}",
                    "activity": "cycle",
                    "minutes": 20,
                    "rpe": 3,
                }
                for n in range(50)
            ]
        }

    with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:
        answers = list(
            pool.map(lambda b: server.call("POST", "/api/v1/sessions/bulk/", items(b)), range(3))
        )
    assert [(status, body["created"]) for status, _, body in answers] == [(200, 50)] * 3


def test_a_write_that_cannot_get_the_lock_is_a_503_with_retry_after(sqlite_app):
    """Another writer holds the lock longer than the server waits: 503, Retry-After and the
    API's JSON error shape, nothing stored; once the lock is free the same request is stored."""
    database, servers = sqlite_app
    server = servers["hasty"]
    maya = _maya(server)
    day = (dt.date.today() - dt.timedelta(days=2)).isoformat()
    log = {"athlete": maya, "date": day, "pain_rest": 0, "pain_during": 6, "note": "locked out"}
    holder = sqlite3.connect(database, timeout=30, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        status, headers, body = server.call("POST", "/api/v1/daily-logs/", log)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert status == 503, body
    assert headers["Retry-After"] == "5"
    assert headers["Content-Type"] == "application/json"
    assert "nothing was saved" in body["detail"]
    with sqlite3.connect(database) as connection:
        stored = connection.execute(
            "SELECT count(*) FROM monitoring_dailylog WHERE note = 'locked out'"
        ).fetchone()
    assert stored == (0,)
    status, _, body = server.call("POST", "/api/v1/daily-logs/", log)
    assert status in {200, 201}, body
    assert body["pain_during"] == 6


@pytest.mark.parametrize("huge", [2**63, 99999999999999999999])
def test_an_id_no_row_can_have_is_a_400_on_sqlite_too(sqlite_app, huge):
    _, servers = sqlite_app
    server = servers["patient"]
    item = {"athlete": huge, "date": dt.date.today().isoformat(), "pain_rest": 0}
    status, _, body = server.call("POST", "/api/v1/daily-logs/bulk/", {"items": [item]})
    assert status == 400, body
    assert body["errors"] == {"items.0.athlete": ["An id is from 1 to 9223372036854775807."]}
    for path in (f"/api/v1/daily-logs/?athlete={huge}", f"/api/v1/plans/?case={huge}"):
        status, _, body = server.call("GET", path)
        assert status == 400, (path, body)
        assert body["errors"]
    status, _, body = server.call("GET", f"/api/v1/cases/{huge}/")
    assert status == 404, body
