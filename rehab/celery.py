"""The Celery application: tasks are discovered in each app's ``tasks.py``.

Periodic tasks are declared here, in one place. Times are in ``settings.TIME_ZONE``.
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rehab.settings")

app = Celery("rehab")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

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
}


@app.task(name="rehab.ping")
def ping() -> str:
    """Round trip through the broker and a worker; used by the health check and tests."""
    return "pong"
