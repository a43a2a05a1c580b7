"""The documented backup procedure: pg_dump, restore into a new database, find every record."""

import io
import subprocess

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from psycopg import sql

from athletes.models import Case
from monitoring.models import DailyLog, Flag
from protocols.models import PhaseTransition

pytestmark = pytest.mark.django_db(transaction=True)

TABLES = {
    "athletes_case": Case,
    "monitoring_dailylog": DailyLog,
    "monitoring_flag": Flag,
    "protocols_phasetransition": PhaseTransition,
}


def test_dump_and_restore_keeps_every_record(tmp_path):
    call_command("seed_demo", stdout=io.StringIO())
    db = connection.settings_dict
    server = f"postgresql://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}"
    dump = tmp_path / "rehab.dump"
    # The procedure in docs/operations.md, step by step.
    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", f"{server}/{db['NAME']}"],
        check=True,
        capture_output=True,
    )
    restored = f"{db['NAME']}_restored"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(restored))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(restored)))
    try:
        subprocess.run(
            [
                "pg_restore",
                "--no-owner",
                "--exit-on-error",
                f"--dbname={server}/{restored}",
                str(dump),
            ],
            check=True,
            capture_output=True,
        )
        with psycopg.connect(f"{server}/{restored}") as conn:
            for table, model in TABLES.items():
                ids = {
                    r[0]
                    for r in conn.execute(
                        sql.SQL("SELECT id FROM {}").format(sql.Identifier(table))
                    )
                }
                assert ids == set(model.objects.values_list("id", flat=True)), table
                assert ids, f"{table} is empty: the check would prove nothing"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(restored))
            )
