"""Single log latency: simulated athletes post their daily log through ``POST /api/v1/daily-logs/``
(gunicorn, two workers) for a fixed time, each with its own login; p95 latency and errors.

Every athlete is an asyncio task of one aiohttp client (a light client: the load generator shares
the machine's cores with the server, and httpx cost it about 6 ms of CPU a post): post a log (the
days of its history in turn, with new pain values, so every post is a real update that queues an
evaluation), wait a think time of 0.5 to 1.5 s (an athlete's phone, not a load generator), post
again.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import statistics
import time

from athletes.models import Athlete, CareTeamMember, User

from .data import generate
from .report import Figure, Report
from .server import gunicorn, token_for

THINK_S = (0.5, 1.5)


def _athlete_logins(count: int, today: dt.date) -> list[tuple[int, str]]:
    """``count`` athletes with an active case, each with a login and an API token."""
    case_ids = generate(cases=count, days=30, today=today, seed=23, team_name="Latency")
    logins = []
    for athlete in Athlete.objects.filter(cases__pk__in=case_ids).order_by("pk"):
        user = User(username=f"bench-athlete-{athlete.pk}", kind="athlete")
        user.set_unusable_password()
        user.save()
        athlete.user = user
        athlete.save(update_fields=["user"])
        case = athlete.cases.get()
        CareTeamMember.objects.create(case=case, user=user, role="athlete")
        logins.append((athlete.pk, token_for(user)))
    return logins


async def _athlete(
    http, athlete_id: int, token: str, *, until: float, today, seed, out, warmup=False
) -> None:
    import aiohttp

    rng = random.Random(seed)  # noqa: S311 — synthetic data
    headers = {"Authorization": f"Token {token}"}
    n = 0
    if not warmup:
        await asyncio.sleep(rng.uniform(0, THINK_S[1]))  # athletes do not all start at once
    while time.perf_counter() < until or (warmup and n < 3):
        day = today - dt.timedelta(days=n % 28)
        body = {
            "athlete": athlete_id,
            "date": day.isoformat(),
            "pain_rest": 0,
            "pain_during": (n + seed) % 4,
            "pain_after": rng.randint(0, 2),
            "pain_character": "dull",
            "fatigue": rng.randint(2, 4),
            "sleep_hours": "7.5",
        }
        began = time.perf_counter()
        try:
            async with http.post("/api/v1/daily-logs/", json=body, headers=headers) as response:
                await response.read()
                ok = response.status in (200, 201)
        except (TimeoutError, aiohttp.ClientError):
            ok = False
        out.append((time.perf_counter() - began, ok))
        n += 1
        if not warmup:
            await asyncio.sleep(rng.uniform(*THINK_S))


async def _run(base: str, logins, *, seconds: float, today) -> list[tuple[float, bool]]:
    import aiohttp

    out: list[tuple[float, bool]] = []
    # One kept-alive connection per athlete, as each phone has its own.
    connector = aiohttp.TCPConnector(limit=len(logins))
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(base, connector=connector, timeout=timeout) as http:
        # Warm both workers up (imports, connections) with posts that are not counted.
        warm = [
            _athlete(http, pk, token, until=0, today=today, seed=i, out=[], warmup=True)
            for i, (pk, token) in enumerate(logins[:4])
        ]
        await asyncio.gather(*warm)
        until = time.perf_counter() + seconds
        await asyncio.gather(
            *(
                _athlete(http, pk, token, until=until, today=today, seed=i, out=out)
                for i, (pk, token) in enumerate(logins)
            )
        )
    return out


def run_latency(report: Report, *, scale: float, today: dt.date, redis_url: str) -> None:
    athletes = max(2, min(50, round(50 * scale * 10)))  # 50 from scale 0.1 up
    seconds = max(1.0, min(30.0, 30 * scale * 10))
    logins = _athlete_logins(athletes, today)
    with gunicorn(redis_url=redis_url, workers=2) as base:
        samples = asyncio.run(_run(base, logins, seconds=seconds, today=today))
    times = sorted(t * 1000 for t, _ in samples)
    errors = sum(1 for _, ok in samples if not ok)
    p95 = times[min(len(times) - 1, int(0.95 * len(times)))] if times else float("nan")
    note = (
        f"{athletes} athletes for {seconds:.0f} s, {len(samples)} posts "
        f"({len(samples) / seconds:.0f}/s), median {statistics.median(times):.0f} ms"
    )
    report.add(Figure("latency.single_log_p95_ms", p95, "ms", "< 100", p95 < 100, note))
    report.add(Figure("latency.single_log_errors", errors, "errors", "0", errors == 0))
