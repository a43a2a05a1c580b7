"""The benchmark runs at a tiny scale and prints valid JSON figures (timings not judged)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_runs_at_tiny_scale_and_prints_json_lines():
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "--scale",
            "0.001",
            "--days",
            "30",
            "--only",
            "nightly",
            "--database",
            "rehab_bench_smoke",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    figures = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    names = {f["name"] for f in figures}
    assert {"nightly.evaluation_s", "nightly.raw_fetch_s", "nightly.evaluation_over_fetch"} <= names
    assert all({"name", "value", "unit", "goal", "pass"} <= set(f) for f in figures)
    assert next(f for f in figures if f["name"] == "nightly.cases")["value"] == 10
    assert "evaluation_over_fetch" in result.stderr  # the table
