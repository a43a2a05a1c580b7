"""Run the benchmarks: ``python -m bench [--scale S] [--only nightly,ingest,pages,...]``.

Creates its own PostgreSQL database (``rehab_bench`` by default, dropped and made anew), fills
it with seeded synthetic data, and prints one JSON line per figure and a table at the end.
Scale 1 is the size the goals are stated for (10,000 active cases with 90 days of logs).
The growth benchmark runs last, on the database made anew, at ``--growth-scale`` (1 unless
given: the size its goal is stated for, whatever ``--scale``).
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
import time

BENCHMARKS = ("nightly", "ingest", "pages", "latency", "scale_out", "growth")


@functools.cache
def migrations_key() -> str:
    """A digest of what ``migrate`` would build: the project's migration files and the versions
    of the installed packages (whose own migrations are part of the schema). Taken once, before
    Django is set up (which changes the distributions found)."""
    from hashlib import sha256
    from importlib import metadata
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    digest = sha256()
    for path in sorted(root.glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    versions = sorted(f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions())
    digest.update("\n".join(versions).encode())
    return digest.hexdigest()[:16]


TEMPLATE_PREFIX = "rehab_bench_migrated_"


def migrated_copy(server: str, name: str) -> bool:
    """Make the database ``name`` anew as a copy of the template migrated for this state of the
    migrations (``migrations_key``), if there is one: True when made so, else it is made empty
    (False) and ``keep_as_template`` saves it once migrated. Migrating from nothing costs some
    25 s of CPU time (Django renders the model states of 119 migrations); a copy, under a
    second. The benchmark's tests make four databases a run."""
    import psycopg
    from psycopg import sql

    template = TEMPLATE_PREFIX + migrations_key()
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template]).fetchone()
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        if found:
            try:
                conn.execute(
                    sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                        sql.Identifier(name), sql.Identifier(template)
                    )
                )
                return True
            except psycopg.errors.ObjectInUse:  # another process copies it right now
                pass
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return False


def keep_as_template(server: str, name: str) -> None:
    """Copy the just-migrated database ``name`` as the template of this state of the migrations
    (its connections closed first), and drop the templates of other states."""
    import psycopg
    from psycopg import sql

    template = TEMPLATE_PREFIX + migrations_key()
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        stale = conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s AND datname <> %s",
            [TEMPLATE_PREFIX + "%", template],
        ).fetchall()
        for (old,) in stale:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(old))
            )
        try:
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(template), sql.Identifier(name)
                )
            )
        except (psycopg.errors.DuplicateDatabase, psycopg.errors.ObjectInUse):
            pass  # another process made it, or still uses its source: the next run will


def migrate(server: str, name: str, copied: bool) -> None:
    """Bring the database ``name``, made by ``migrated_copy``, to the current migrations."""
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", verbosity=0)  # nothing to do on a copy of the template
    if not copied:
        connections.close_all()
        keep_as_template(server, name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--scale",
        type=float,
        default=0.2,
        help="1 is the size the goals are stated for (10,000 cases); the default is 0.2",
    )
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--only", default=",".join(BENCHMARKS))
    parser.add_argument(
        "--profile", metavar="HTML", help="write a pyinstrument profile of the nightly run"
    )
    parser.add_argument(
        "--floor",
        action="store_true",
        help="with nightly: the nights again with the criteria taking no time (their floor)",
    )
    parser.add_argument(
        "--growth-scale",
        type=float,
        default=1.0,
        help="the growth benchmark's larger size (its smaller is a fifth); the default is 1",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=None,
        help="the scale-out's rounds of one worker, then two (default 5; the test's smoke run: 1)",
    )
    parser.add_argument("--server", default="postgres://postgres:postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="rehab_bench")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/9")
    args = parser.parse_args(argv)
    only = set(args.only.split(","))
    if only - set(BENCHMARKS):
        parser.error(f"unknown benchmark(s): {', '.join(sorted(only - set(BENCHMARKS)))}")

    copied = migrated_copy(args.server, args.database)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "rehab.settings",
            "DJANGO_ENV": "test",
            "DATABASE_URL": f"{args.server}/{args.database}",
            "REDIS_URL": "",
            "CELERY_TASK_ALWAYS_EAGER": "1",
            "LOG_LEVEL": "WARNING",
            "EMAIL_URL": "dummymail://",  # flag e-mails are composed, not printed or sent
        }
    )
    import django

    django.setup()

    from .report import Report

    report = Report()
    migrate(args.server, args.database, copied)
    if only - {"growth"}:
        run_seeded(report, args, only)
    if "growth" in only:
        from django.db import connections
        from django.utils import timezone

        from .growth import run_growth

        if only - {"growth"}:  # growth starts from a database without cases
            connections.close_all()
            migrate(args.server, args.database, migrated_copy(args.server, args.database))
        run_growth(report, scale=args.growth_scale, days=args.days, today=timezone.localdate())
    print(report.table(), file=sys.stderr)
    return 0


def run_seeded(report, args: argparse.Namespace, only: set[str]) -> None:
    """The benchmarks on the data seeded at ``--scale``: nightly, scale-out, ingest, pages,
    latency (those of ``only``)."""
    from django.utils import timezone

    from .data import generate
    from .ingest import run_ingest
    from .latency import run_latency
    from .nightly import ROUNDS, run_floor, run_in_process, run_scale_out
    from .pages import run_pages
    from .report import Figure

    today = timezone.localdate()
    cases = max(1, round(10_000 * args.scale))
    began = time.perf_counter()
    generate(cases=cases, days=args.days, today=today)
    report.add(
        Figure(
            "setup.generate_s",
            time.perf_counter() - began,
            "s",
            "",
            None,
            f"{cases} cases x {args.days} days",
        )
    )
    if "nightly" in only:
        fetch_s, first_s, steady_s = run_in_process(
            report, cases=cases, today=today, profile=args.profile
        )
        if args.floor:
            run_floor(
                report,
                cases=cases,
                today=today,
                fetch_s=fetch_s,
                first_s=first_s,
                steady_s=steady_s,
            )
    if "scale_out" in only:  # before the other benchmarks add cases of their own
        os.environ["REDIS_URL"] = args.redis
        run_scale_out(
            report, cases=cases, today=today, redis_url=args.redis, rounds=args.rounds or ROUNDS
        )
    if "ingest" in only:
        run_ingest(report, scale=args.scale, history_days=args.days, redis_url=args.redis)
    if "pages" in only:
        run_pages(report, scale=args.scale, today=today)
    if "latency" in only:
        run_latency(report, scale=args.scale, today=today, redis_url=args.redis)


if __name__ == "__main__":
    sys.exit(main())
