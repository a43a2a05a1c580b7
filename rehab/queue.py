"""Queue a Celery task by its registered name.

The task modules import the services they run, so the services name the tasks they queue
instead of importing them (no import cycle). The task is the one registered under that name
(``MonitoringConfig.ready`` imports the task modules), so ``CELERY_TASK_ALWAYS_EAGER`` and a
test's ``mock.patch`` of its ``delay`` apply as they would to the imported task.
"""

from __future__ import annotations

from typing import Any

from celery import current_app


def enqueue(name: str, *args: Any) -> Any:
    """``delay(*args)`` on the task registered as ``name``; raises what ``delay`` raises (a
    broker that is down), for the caller to log."""
    return current_app.tasks[name].delay(*args)
