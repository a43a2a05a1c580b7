"""Settings load in each environment, and production refuses unsafe configurations."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_django(env_overrides: dict, code: str) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "DJANGO_ENV",
            "SECRET_KEY",
            "DEBUG",
            "ALLOWED_HOSTS",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "rehab.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def production_env(**extra) -> dict:
    return {
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "rehab.example.org",
        "DATABASE_URL": "postgres://postgres:postgres@127.0.0.1:5432/rehab",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        **extra,
    }


def test_local_defaults_use_sqlite_and_in_process_tasks():
    result = run_django(
        {},
        (
            "from django.conf import settings as s; from django.db import connection as c; "
            "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.DEBUG, "
            "c.vendor, s.DATABASES['default']['OPTIONS']['transaction_mode'])"
        ),
    )
    assert result.returncode == 0, result.stderr
    # Django's SQLite backend with PostgreSQL's id range (rehab.sqlite); see tests/rehab/test_sqlite
    assert result.stdout.split() == ["rehab.sqlite", "True", "True", "sqlite", "IMMEDIATE"]


def test_redis_url_turns_on_the_broker_and_postgres_url_is_used():
    result = run_django(
        {
            "DATABASE_URL": "postgres://postgres:postgres@127.0.0.1:5432/rehab",
            "REDIS_URL": "redis://127.0.0.1:6379/3",
        },
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_URL)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "False",
        "redis://127.0.0.1:6379/3",
    ]


def test_production_check_deploy_is_clean():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**env, **production_env()},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_a_missing_or_weak_secret_key():
    for key in ("", "short", "insecure-" + "x" * 60):
        result = run_django(production_env(SECRET_KEY=key), "pass")
        assert result.returncode != 0
        assert "SECRET_KEY" in result.stderr


def test_production_refuses_debug():
    result = run_django(production_env(DEBUG="1"), "pass")
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


def test_production_turns_https_settings_on():
    result = run_django(
        production_env(),
        (
            "from django.conf import settings as s; "
            "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
            "s.SECURE_HSTS_SECONDS > 0)"
        ),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True", "True"]
