"""The benchmark runs at a tiny scale and prints valid JSON figures (timings not judged)."""

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.clock import skip_when_travelling

ROOT = Path(__file__).resolve().parents[2]
# The benchmark is a process of its own on the machine's clock: it seeds and measures relative to
# the machine's today, which --today cannot move (its seeding is covered by its own tests here).
pytestmark = skip_when_travelling


def _own_name(suffix: str) -> str:
    """A benchmark database named after the test database, so parallel suites do not share one."""
    base = os.environ.get("DATABASE_URL", "").rsplit("/", 1)[-1].split("?")[0] or "rehab"
    return f"{base}_{suffix}"


def _bench(
    only: str, database: str, *, scale: str = "0.001", redis: bool = True, extra: tuple = ()
):
    """Run ``python -m bench`` at a tiny scale on a database of its own (and the suite's Redis
    database when asked): (the finished process, its JSON figures by name)."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    args = ["--scale", scale, "--days", "30", "--only", only, "--database", _own_name(database)]
    args += extra
    if redis:
        args += ["--redis", os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/9"]
    result = subprocess.run(
        [sys.executable, "-m", "bench", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    figures = {
        f["name"]: f
        for f in (json.loads(line) for line in result.stdout.splitlines() if line.startswith("{"))
    }
    return result, figures


def test_bench_runs_at_tiny_scale_and_prints_json_lines():
    result, by_name = _bench("nightly", "bench_smoke", redis=False, extra=("--floor",))
    figures = list(by_name.values())
    names = {f["name"] for f in figures}
    assert {"nightly.evaluation_s", "nightly.raw_fetch_s", "nightly.evaluation_over_fetch"} <= names
    # The criteria-free nights ran, and stored what the real nights did (the benchmark checks
    # every case's stored evaluation after each of them, and fails otherwise).
    for name in ("nightly.first_floor_over_fetch", "nightly.steady_floor_over_fetch"):
        assert by_name[name]["value"] > 0
        assert by_name[name]["pass"] is None  # a measurement, no goal
    assert all({"name", "value", "unit", "goal", "pass"} <= set(f) for f in figures)
    assert next(f for f in figures if f["name"] == "nightly.cases")["value"] == 10
    assert "evaluation_over_fetch" in result.stderr  # the table


def test_http_and_page_benchmarks_run_at_tiny_scale():
    """Bulk ingest and single-log latency through gunicorn, and the pages, at a tiny scale."""
    result, figures = _bench("ingest,pages,latency", "bench_http")
    assert {
        "ingest.api_logs_per_s",
        "ingest.raw_logs_per_s",
        "ingest.api_over_raw",
        "pages.coach_board_queries_growth",
        "pages.coach_board_median_ms",
        "pages.case_page_queries_growth",
        "pages.case_page_median_ms",
        "latency.single_log_p95_ms",
        "latency.single_log_errors",
    } <= set(figures)
    assert all({"name", "value", "unit", "goal", "pass"} <= set(f) for f in figures.values())
    assert figures["ingest.api_over_raw"]["goal"] == ">= 0.25"
    # Correctness, not timing: no query grows with the data, and no post failed.
    assert figures["pages.coach_board_queries_growth"]["value"] == 0
    assert figures["pages.case_page_queries_growth"]["value"] == 0
    assert figures["latency.single_log_errors"]["value"] == 0
    assert "latency.single_log_p95_ms" in result.stderr  # the table


def test_scale_out_runs_real_workers_at_tiny_scale():
    """The scale-out benchmark starts real Celery workers (one, then two processes, in rounds:
    two here, five by default),
    sends the nightly task through Redis and sees every case evaluated: it prints the rates of
    each round and their medians."""
    result, figures = _bench("scale_out", "bench_workers", scale="0.002", extra=("--rounds", "2"))
    for workers in (1, 2):
        figure = figures[f"scale_out.workers_{workers}"]
        assert figure["value"] > 0 and figure["unit"] == "cases/s"
        assert figure["note"].startswith("median of 2 rounds: ")
        assert len(figure["note"].split(": ")[1].split(", ")) == 2
    assert figures["scale_out.speedup_2_workers"]["goal"] == ">= 1.7"
    assert "scale_out.speedup_2_workers" in result.stderr  # the table


def test_growth_runs_at_tiny_scale():
    """The growth benchmark seeds a fifth of its cases, times their next nights, seeds the rest
    and times all of theirs: one figure, seconds per case of the larger over the smaller."""
    result, figures = _bench(
        "growth", "bench_growth", redis=False, extra=("--growth-scale", "0.002")
    )
    figure = figures["nightly.growth"]
    assert figure["value"] > 0 and figure["unit"] == "ratio"
    assert figure["goal"] == "<= 1.25"
    assert "of 20," in figure["note"] and "of 4;" in figure["note"]
    assert "setup.generate_s" not in figures  # only the growth benchmark's own seeding
    assert "nightly.growth" in result.stderr  # the table
