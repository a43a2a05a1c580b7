"""Bulk ingest: daily logs through ``POST /api/v1/daily-logs/bulk/`` served by gunicorn, against
psycopg upserting the same rows with ``INSERT … ON CONFLICT DO UPDATE`` in one executemany.
Each side is timed three times, the same rows inserted anew each time, and its best counts; the
two sides alternate.

Each request is one day of a squad's logs (up to 1,000 athletes), as a nightly sync from a
wellness platform sends them; the days lie before the generated history, so every row is new
for both sides. Each pass's rows are deleted before the next pass sends the same ones, so both
sides insert the same rows into the same table.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from decimal import Decimal

import psycopg
from django.db import connection

from athletes.models import Athlete, User
from monitoring import schema
from monitoring.models import DailyLog

from .report import Figure, Report
from .server import gunicorn, token_for

BATCH = 1000  # the API's limit per request

# The raw baseline writes every column the API's write path writes: the schema's log fields
# between the key and the bookkeeping.
RAW_COLUMNS = (
    "athlete_id", "date", *schema.LOG_FIELDS, "source", "submitted_by_id", "created_at",
    "updated_at",
)  # fmt: skip
RAW_UPSERT = (
    f"INSERT INTO monitoring_dailylog ({', '.join(RAW_COLUMNS)}) "
    f"VALUES ({', '.join(['%s'] * len(RAW_COLUMNS))}) "
    "ON CONFLICT (athlete_id, date) DO UPDATE SET "
    + ", ".join(
        f"{c} = EXCLUDED.{c}" for c in RAW_COLUMNS if c not in {"athlete_id", "date", "created_at"}
    )
)


def log_items(athlete_ids: list[int], *, total: int, first_day: dt.date, seed: int = 11):
    """``total`` log items, day by day going back from ``first_day``, one per athlete a day."""
    rng = random.Random(seed)  # noqa: S311 — synthetic data
    batch = min(BATCH, len(athlete_ids))
    requests = []
    day = first_day
    while sum(len(r) for r in requests) < total:
        size = min(batch, total - sum(len(r) for r in requests))
        requests.append(
            [
                {
                    "athlete": athlete_id,
                    "date": day.isoformat(),
                    "pain_rest": 0,
                    "pain_during": rng.choice((0, 0, 1, 2)),
                    "pain_after": rng.choice((0, 0, 1)),
                    "pain_character": "dull",
                    "night_pain": False,
                    "swelling": False,
                    "fatigue": rng.randint(2, 4),
                    "sleep_hours": "7.5",
                    "sleep_quality": 3,
                    "stress": 3,
                    "mood": 3,
                    "soreness": 3,
                    "steps": rng.randint(4000, 12000),
                }
                for athlete_id in athlete_ids[:size]
            ]
        )
        day -= dt.timedelta(days=1)
    return requests


def _warm_up(http, athlete_ids: list[int], *, before: dt.date) -> None:
    """One small bulk request to each of the two workers at once (a sync worker serves one
    request at a time, so the second goes to the other worker): each has connected to the
    database and the broker and run the write path once before the timing starts, as a
    server that has been up for a while has. Their rows are on days before the measured ones
    and are deleted afterwards."""
    from concurrent.futures import ThreadPoolExecutor

    warm_days = [before - dt.timedelta(days=n) for n in (1, 2)]
    batches = [
        log_items(athlete_ids[:50], total=min(50, len(athlete_ids)), first_day=day, seed=n)[0]
        for n, day in enumerate(warm_days)
    ]
    with ThreadPoolExecutor(max_workers=2) as pool:
        statuses = list(
            pool.map(
                lambda batch: http.post("/api/v1/daily-logs/bulk/", json={"items": batch}),
                batches,
            )
        )
    if any(r.status_code != 200 for r in statuses):
        raise RuntimeError(f"warm-up: {[r.status_code for r in statuses]}")
    DailyLog.objects.filter(date__in=warm_days).delete()


def _raw_value(item: dict, field: schema.Field):
    """An item's value of a log field as the database stores it (an omitted text is empty)."""
    value = item.get(field.name)
    if value is None:
        return "" if field.kind in {"text", "choice"} else None
    return Decimal(value) if field.kind == "hours" else value


def raw_rows(requests, submitted_by: int, now: dt.datetime) -> list[tuple]:
    return [
        (
            i["athlete"],
            dt.date.fromisoformat(i["date"]),
            *(_raw_value(i, f) for f in schema.LOG),
            "api",
            submitted_by,
            now,
            now,
        )
        for batch in requests
        for i in batch
    ]


def _dsn() -> str:
    s = connection.settings_dict
    return psycopg.conninfo.make_conninfo(
        dbname=s["NAME"], user=s["USER"], password=s["PASSWORD"], host=s["HOST"], port=s["PORT"]
    )


def run_ingest(report: Report, *, scale: float, history_days: int, redis_url: str) -> None:
    import httpx

    total = max(20, round(20_000 * scale))
    clinician = User.objects.get(username="bench-clinician")
    athlete_ids = list(
        Athlete.objects.filter(team__name="Bench team").order_by("pk").values_list("pk", flat=True)
    )
    from django.utils import timezone

    first_day = timezone.localdate() - dt.timedelta(days=history_days + 1)
    requests = log_items(athlete_ids, total=total, first_day=first_day)
    days = sorted({dt.date.fromisoformat(b[0]["date"]) for b in requests})

    rows = raw_rows(requests, clinician.pk, timezone.now())

    def delete_rows() -> None:
        DailyLog.objects.filter(date__in=days, athlete_id__in=athlete_ids).delete()

    def raw_pass() -> float:
        """psycopg on its own connection: the rows in one executemany, one transaction."""
        with psycopg.connect(_dsn()) as raw:
            began = time.perf_counter()
            with raw.transaction(), raw.cursor() as cur:
                cur.executemany(RAW_UPSERT, rows)
            seconds = time.perf_counter() - began
        stored = DailyLog.objects.filter(date__in=days, athlete_id__in=athlete_ids).count()
        assert stored == total, (stored, total)
        delete_rows()
        return seconds

    def api_pass(http) -> float:
        """The API: the same rows in requests of up to 1,000, one after the other."""
        created = 0
        began = time.perf_counter()
        for batch in requests:
            response = http.post("/api/v1/daily-logs/bulk/", json={"items": batch})
            if response.status_code != 200:
                raise RuntimeError(f"bulk: {response.status_code} {response.text[:500]}")
            created += response.json()["created"]
        seconds = time.perf_counter() - began
        assert created == total, (created, total)
        delete_rows()
        return seconds

    # Three rounds of one pass each, psycopg then the API, every pass inserting the rows anew
    # (deleted after each); each side's best counts, as short timings are the noisiest. The
    # sides alternate: the machine's speed drifts from minute to minute, and all of one side
    # timed before all of the other put that drift into the ratio (0.22 and 0.33 in two runs
    # of the same code).
    token = token_for(clinician)
    raw_timings, api_timings = [], []
    with gunicorn(redis_url=redis_url, workers=2) as base:
        with httpx.Client(
            base_url=base, headers={"Authorization": f"Token {token}"}, timeout=300
        ) as http:
            _warm_up(http, athlete_ids, before=days[0])
            for _ in range(3):
                raw_timings.append(raw_pass())
                api_timings.append(api_pass(http))
    raw_s, api_s = min(raw_timings), min(api_timings)

    api_rate, raw_rate = total / api_s, total / raw_s
    note = f"{total} logs in {len(requests)} requests"
    report.add(Figure("ingest.api_logs_per_s", api_rate, "logs/s", "", None, note))
    report.add(Figure("ingest.raw_logs_per_s", raw_rate, "logs/s", "", None, "executemany"))
    ratio = api_rate / raw_rate
    report.add(Figure("ingest.api_over_raw", ratio, "ratio", ">= 0.25", ratio >= 0.25))
