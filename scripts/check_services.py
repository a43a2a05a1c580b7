"""Check that the PostgreSQL and Redis the tests need answer; say how to start them if not."""

from __future__ import annotations

import sys

import psycopg
import redis
from psycopg import sql

START = {
    "PostgreSQL": (
        "  sudo apt-get install -y postgresql   # if it is not installed\n"
        "  sudo pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n"
        "  sudo -u postgres psql -c \"ALTER USER postgres PASSWORD 'postgres'\"\n"
        "or: docker-compose up -d postgres"
    ),
    "Redis": (
        "  sudo apt-get install -y redis-server   # if it is not installed\n"
        '  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no\n'
        "or: docker-compose up -d redis"
    ),
}


def main(database_url: str, redis_url: str) -> int:
    failures = []
    try:
        dsn = database_url.replace("postgres://", "postgresql://", 1)
        server, name = dsn.rsplit("/", 1)
        with psycopg.connect(server + "/postgres", connect_timeout=3, autocommit=True) as conn:
            # The test run makes its own test_<name> database; the named one is created too so
            # that `makemigrations --check` can read its migration history.
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except Exception as exc:
        failures.append(("PostgreSQL", database_url, exc))
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
    except Exception as exc:
        failures.append(("Redis", redis_url, exc))
    for name, url, exc in failures:
        print(
            f"{name} is not reachable at {url}: {exc}\nStart it with:\n{START[name]}\n",
            file=sys.stderr,
        )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
