"""The Celery application: tasks are discovered in each app's ``tasks.py``.

Periodic tasks are declared here, in one place. Times are in ``settings.TIME_ZONE``.
"""

import os

from celery import Celery, signals
from celery.schedules import crontab
from django.db import close_old_connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rehab.settings")

app = Celery("rehab")
app.config_from_object("django.conf:settings", namespace="CELERY")
# The task modules live inside packages (monitoring.evaluation.tasks, monitoring.care.tasks,
# monitoring.webhooks.tasks);
# their names stay "monitoring.tasks.*" so queued tasks survive the move.
app.autodiscover_tasks(
    lambda: ["athletes", "monitoring.evaluation", "monitoring.care", "monitoring.webhooks"]
)

app.conf.beat_schedule = {
    # 02:15 every night: evaluate every active case against its current phase's gates.
    "evaluate-active-cases": {
        "task": "monitoring.tasks.evaluate_active_cases",
        "schedule": crontab(hour=2, minute=15),
    },
    # */15 * * * *: e-mail athletes whose log for today is missing after their reminder time.
    "send-log-reminders": {
        "task": "monitoring.tasks.send_log_reminders",
        "schedule": crontab(minute="*/15"),
    },
    # 07:30 every day: e-mail the clinical team about reviews whose date has passed (once each).
    "send-overdue-review-emails": {
        "task": "monitoring.tasks.send_overdue_review_emails",
        "schedule": crontab(hour=7, minute=30),
    },
    # * * * * *: queue the webhook deliveries whose next attempt (back-off) is due.
    "retry-webhooks": {
        "task": "monitoring.tasks.retry_webhooks",
        "schedule": crontab(minute="*"),
    },
    # 03:40 every night: forget access records older than REHAB_ACCESS_LOG_DAYS.
    "prune-access-records": {
        "task": "athletes.tasks.prune_access_records",
        "schedule": crontab(hour=3, minute=40),
    },
    # 03:50 every night: delete expired OAuth2 access tokens (django-oauth-toolkit's cleartokens).
    "forget-expired-tokens": {
        "task": "athletes.tasks.forget_expired_tokens",
        "schedule": crontab(hour=3, minute=50),
    },
}


@signals.task_prerun.connect
@signals.task_postrun.connect
def _recycle_connections(sender=None, **kwargs) -> None:
    """Around each task in a worker, what Django does around each request: close the database
    connections that have outlived ``CONN_MAX_AGE`` or failed, and have the next use of a kept
    one check it first (``CONN_HEALTH_CHECKS``). A kept connection saves a new PostgreSQL
    backend per task, and keeps the statements it has prepared (a nightly run's chunks run
    the same few). Eager tasks run inside the caller's request or transaction: left alone."""
    request = getattr(sender, "request", None)
    if not getattr(request, "is_eager", False):
        close_old_connections()


@app.task(name="rehab.ping")
def ping() -> str:
    """Round trip through the broker and a worker; used by the health check and tests."""
    return "pong"
