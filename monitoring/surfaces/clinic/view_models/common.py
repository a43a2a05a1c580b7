"""What the clinic pages share: flag chips, the section's navigation, the fields a viewer sees
and the day of a phase."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone
from django.utils.timesince import timesince

from athletes import permissions
from athletes.models import Case, User
from monitoring.models import Flag

SEVERITY = Flag.SEVERITY
FLAG_SHORT = {
    "red_flag": "Red flag",
    "regression": "Regression",
    "load_spike": "Load spike",
    "missing_logs": "Missing logs",
    "ready_to_advance": "Ready to advance",
    "bone_health": "Bone-health screen",
    "programme_step_down": "Run-walk step down",
}


def flag_sort_key(flag: Flag) -> tuple:
    return (SEVERITY.get(flag.kind, 9), flag.raised_at)


def labelled(flags: Iterable[Flag]) -> list[Flag]:
    """Flags with ``short_label`` (chips say "Red flag", not the kind's long label), ``since``
    and ``acknowledged_since`` (how long ago it was raised, acknowledged, in words) set."""
    out = list(flags)
    now = timezone.now()
    for flag in out:
        flag.short_label = FLAG_SHORT.get(flag.kind, flag.get_kind_display())
        flag.since = raised_since(flag.raised_at, now)
        flag.acknowledged_since = (
            raised_since(flag.acknowledged_at, now) if flag.acknowledged_at else ""
        )
    return out


def raised_since(raised_at: dt.datetime, now: dt.datetime) -> str:
    if (now - raised_at).total_seconds() < 60:
        return "just now"
    return timesince(raised_at, now) + " ago"


def fields_shown(user: User, case: Case) -> dict[str, bool]:
    """For templates: ``show.risk``, ``show.flag_kinds``... as ``athletes.permissions`` decides
    (no query when the case came from ``cases_for_user``)."""
    visible = permissions.visible_case_fields(user, case)
    return {name: name in visible for name in permissions.ALL_CASE_FIELDS}


def day_in_phase(started_on: dt.date | None, today: dt.date) -> int | None:
    """Day 1 is the day the phase started."""
    if started_on is None:
        return None
    return max(0, (today - started_on).days) + 1
