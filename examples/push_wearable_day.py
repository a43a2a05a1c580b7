#!/usr/bin/env python3
"""Push one day of wearable data to rehab, then read the athlete's open flags.

Standard library only. Usage:

    export REHAB_API_TOKEN=9944b0919…           # the integration account's token
    python examples/push_wearable_day.py --base-url https://rehab.example.org \\
        --athlete 12 --day 2026-10-20 --file garmin-2026-10-20.json

The file holds the day as your system exported it (see ``demo_day`` for the shape); without
``--file`` a made-up day is sent. Every request is safe to repeat: samples and sessions are
upserts keyed by source + external id, so the script retries on network errors, 5xx and 429
(after ``Retry-After``) without ever storing anything twice.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

SOURCE = "example-watch"
RETRIES = 5


class ApiError(Exception):
    def __init__(self, status: int, body: dict):
        super().__init__(f"{status}: {body.get('detail')}")
        self.status, self.body = status, body


def call(base_url: str, token: str, method: str, path: str, payload=None) -> tuple[int, dict]:
    """One API call with retries that cannot hurt: the writes here are idempotent upserts."""
    if not base_url.startswith(("http://", "https://")):
        raise SystemExit("The base URL must start with http:// or https://")
    data = None if payload is None else json.dumps(payload).encode()
    for attempt in range(RETRIES):
        request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
            base_url.rstrip("/") + path,
            data=data,
            method=method,
            headers={
                "Authorization": f"Token {token}",
                "Content-Type": "application/json",
                "Accept": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            body = json.loads(error.read() or b"{}")
            if error.code == 429 or error.code >= 500:
                wait = float(error.headers.get("Retry-After") or 2**attempt)
                print(f"  {error.code}, retrying in {wait:g} s", file=sys.stderr)
                time.sleep(wait)
                continue
            raise ApiError(error.code, body) from None
        except urllib.error.URLError as error:
            print(f"  {error.reason}, retrying", file=sys.stderr)
            time.sleep(2**attempt)
    raise SystemExit(f"Gave up after {RETRIES} attempts: {method} {path}")


def demo_day(day: str) -> dict:
    """A made-up day, in the shape this script reads from --file."""
    return {
        "samples": [
            {"metric": "steps", "value": 9412, "time": f"{day}T23:59:00+01:00", "id": "steps"},
            {"metric": "heart_rate", "value": 48, "time": f"{day}T07:00:00+01:00", "id": "rhr"},
            {"metric": "sleep", "value": 7.4, "time": f"{day}T07:00:00+01:00", "id": "sleep"},
            {"metric": "cadence", "value": 172, "time": f"{day}T18:40:00+01:00", "id": "cad"},
        ],
        "sessions": [
            {
                "id": "run-1",
                "activity": "walk_run",
                "minutes": 30,
                "rpe": 4,
                "distance_km": "4.2",
                "surface": "track",
            }
        ],
    }


def push_day(base_url: str, token: str, athlete: int, day: str, export: dict) -> dict:
    """Bulk-upsert the day's samples and sessions; return both results."""
    samples = [
        {
            "athlete": athlete,
            "metric": s["metric"],
            "value": s["value"],
            "recorded_at": s["time"],
            "source": SOURCE,
            "external_id": f"{athlete}-{day}-{s['id']}",
        }
        for s in export.get("samples", [])
    ]
    sessions = [
        {
            "athlete": athlete,
            "date": day,
            "source": "device",
            "external_id": f"{SOURCE}-{athlete}-{day}-{s['id']}",
            **{k: v for k, v in s.items() if k != "id"},
        }
        for s in export.get("sessions", [])
    ]
    results = {}
    for name, path, items in (
        ("samples", "/api/v1/device-metrics/bulk/", samples),
        ("sessions", "/api/v1/sessions/bulk/", sessions),
    ):
        if not items:
            continue
        try:
            status, body = call(base_url, token, "POST", path, {"items": items})
        except ApiError as error:  # 400: nothing stored; the reasons by item and field
            status, body = error.status, error.body
        results[name] = body
        print(f"{name}: {body['detail']}")
        for key, messages in body.get("errors", {}).items():
            print(f"  {key}: {' '.join(messages)}")
        if status == 207:
            print(f"  {name}: fix the items above and send them again; the rest are stored.")
    return results


def open_flags(base_url: str, token: str, athlete: int) -> list[dict]:
    """The athlete's unresolved flags, all pages."""
    flags, path = [], f"/api/v1/flags/?athlete={athlete}&unresolved=true&limit=100"
    while path:
        _, page = call(base_url, token, "GET", path)
        flags += page["results"]
        following = urllib.parse.urlsplit(page["next"]) if page["next"] else None
        path = following and f"{following.path}?{following.query}"
    return flags


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--token", default=os.environ.get("REHAB_API_TOKEN"))
    parser.add_argument("--athlete", type=int, required=True, help="The athlete's id.")
    parser.add_argument("--day", required=True, help="YYYY-MM-DD")
    parser.add_argument("--file", help="The day's export (JSON); default: a made-up day.")
    args = parser.parse_args(argv)
    if not args.token:
        parser.error("give --token or set REHAB_API_TOKEN")
    if args.file:
        with open(args.file, encoding="utf-8") as handle:
            export = json.load(handle)
    else:
        export = demo_day(args.day)
    push_day(args.base_url, args.token, args.athlete, args.day, export)
    flags = open_flags(args.base_url, args.token, args.athlete)
    print(f"open flags: {len(flags)}")
    for flag in flags:
        print(f"  case {flag['case']}: {flag['kind']} ({flag['status']}) {flag['coach_message']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
