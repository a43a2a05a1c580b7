"""The team board: every athlete a coach coaches, with filters, sorting and a section per team.

``board_facts`` reads every row in a constant number of queries; ``board_groups`` turns the
filtered and sorted facts into the rows the template prints (``BoardRow``: every value already
formatted), in a section per team.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import formats, translation
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import SafeString

from athletes.models import User
from monitoring import metrics
from monitoring.surfaces.coach.facts import SPARK_WEEKS, CaseFacts, case_facts
from monitoring.surfaces.coach.queries import (
    board_cases,
    board_flags,
    board_plans,
    last_log_dates,
    weekly_session_loads,
)
from monitoring.surfaces.coach.status import AMBER, GREEN, RED, with_evaluation


def resolved_user(user: User) -> User:
    """The user behind a request's lazy ``request.user``: a board asks the permissions about
    every row, each question reading the user's attributes through the lazy object's proxy."""
    if isinstance(user, SimpleLazyObject):
        user.pk  # noqa: B018 (loads the user if the request has not yet)
        return user._wrapped
    return user


def board_facts(user: User, *, today: dt.date) -> list[CaseFacts]:
    """Every board row of the coach, in a constant number of queries, all read as plain rows
    but the cases: 1. the cases with athlete and team (``board_cases``), 2.-4. their plans,
    phases and step backs (``board_plans``), 5. their unresolved flags, 6. the last log dates
    and 7. the sessions of the last four weeks."""
    user = resolved_user(user)
    cases = list(board_cases(user))
    if not cases:
        return []
    case_ids = [c.pk for c in cases]
    plans = board_plans(case_ids, today=today)
    flags = board_flags(case_ids)
    athlete_ids = {c.athlete_id for c in cases}
    last_logs = last_log_dates(athlete_ids)
    loads = weekly_session_loads(athlete_ids, today, SPARK_WEEKS)
    no_load = metrics.weekly_totals({}, today, SPARK_WEEKS)
    return [
        case_facts(
            user,
            case,
            today=today,
            last_log_on=last_logs.get(case.athlete_id),
            weeks=loads.get(case.athlete_id, no_load),
            plan=plans.get(case.pk),
            flags=with_evaluation(flags.get(case.pk, ()), case.evaluation_red),
            keep_projection=False,  # the board shows the return dates, not the ladder
        )
        for case in cases
    ]


SORTS = {
    "status": "Status (red first)",
    "name": "Name",
    "return": "Projected return",
    "phase": "Phase",
    "last_log": "Last log (oldest first)",
}
LIGHT_FILTERS = {
    RED: "Red: stepped back or under review",
    AMBER: "Amber: attention",
    GREEN: "Green",
}
_FAR = dt.date.max


def _sort_key(sort: str):
    def name(r: CaseFacts):
        return ((r.last_name or "").lower(), (r.first_name or "").lower(), r.case_id)

    keys = {
        "status": lambda r: (r.light.order if r.light else 9, *name(r)),
        "name": name,
        "return": lambda r: (r.typical_return or _FAR, *name(r)),
        "phase": lambda r: (
            (r.phase_number or 0) / (r.phase_count or 1) if r.has_plan else -1,
            *name(r),
        ),
        "last_log": lambda r: (r.last_log_on or dt.date.min, *name(r)),
    }
    return keys.get(sort, keys["status"])


@dataclass(frozen=True)
class BoardFilters:
    team: int | None = None
    light: str = ""
    q: str = ""
    sort: str = "status"

    @classmethod
    def from_query(cls, params: Mapping[str, str]) -> BoardFilters:
        """Read GET parameters; anything unknown is ignored, never an error page."""
        team_raw = (params.get("team") or "").strip()
        team = int(team_raw) if team_raw.isdigit() else None
        light = params.get("light", "")
        sort = params.get("sort", "status")
        return cls(
            team=team,
            light=light if light in LIGHT_FILTERS else "",
            q=(params.get("q") or "").strip()[:80],
            sort=sort if sort in SORTS else "status",
        )

    @property
    def active(self) -> bool:
        return bool(self.team or self.light or self.q)


def filter_and_sort(rows: Iterable[CaseFacts], filters: BoardFilters) -> list[CaseFacts]:
    out = list(rows)
    if filters.team:
        out = [r for r in out if r.team_id == filters.team]
    if filters.light:
        out = [r for r in out if r.light and r.light.colour == filters.light]
    if filters.q:
        needle = filters.q.lower()
        out = [r for r in out if needle in (r.athlete or "").lower()]
    return sorted(out, key=_sort_key(filters.sort))


def group_by_team(rows: Sequence[CaseFacts]) -> list[tuple[str, list[CaseFacts]]]:
    """Rows in sections by team (teams by name, athletes without a team last), order kept."""
    groups: dict[str, list[CaseFacts]] = {}
    for row in rows:
        groups.setdefault(row.team or "", []).append(row)
    named = sorted((k for k in groups if k), key=str.lower)
    out = [(k, groups[k]) for k in named]
    if "" in groups:
        out.append(("No team", groups[""]))
    return out


def light_counts(rows: Iterable[CaseFacts]) -> dict[str, int]:
    counts = {RED: 0, AMBER: 0, GREEN: 0}
    for row in rows:
        if row.light:
            counts[row.light.colour] += 1
    return counts


# --- the rows the template prints ---------------------------------------------------------------


@dataclass(frozen=True)
class BoardRow:
    """One row of the board as ``templates/coach/_board_row.html`` prints it: every date and
    number already formatted as the template filters would, every link reversed; the template
    escapes the text."""

    athlete: str | None
    athlete_url: str
    sport: str | None
    card_url: str  # the restrictions card; "" without a plan
    colour: str  # the status light's colour; "" without a light
    light_label: str
    reason: str
    more_reasons: str  # the reasons after the first, in one line
    has_plan: bool
    phase_name: str | None
    phase_progress: str
    day_in_phase: str  # "" before the phase has started
    phase_words: str | None
    last_log: str  # "" without a log
    last_log_ago: str
    shows_load: bool
    sparkline: SafeString | str
    week_load: str
    load_change: str  # signed percent; "" when there is no previous week to compare with
    load_change_class: str
    typical_return: str  # "" when not yet known
    earliest_return: str  # "" unless earlier than the typical return
    return_waits: bool  # the dates wait for a medical-team decision
    confidence_level: str  # "" without a confidence
    confidence_label: str
    confidence_note: str
    usual_from: str  # "" without a usual range
    usual_to: str


def board_row(r: CaseFacts) -> BoardRow:
    """The row of the board that shows ``r``."""
    light, confidence, pooled = r.light, r.confidence, r.pooled
    return BoardRow(
        athlete=r.athlete,
        athlete_url=reverse("coach:athlete", args=[r.case_id]),
        sport=r.sport,
        card_url=reverse("coach:restrictions", args=[r.case_id]) if r.has_plan else "",
        colour=light.colour if light else "",
        light_label=light.label if light else "",
        reason=light.reason if light else "",
        more_reasons=" ".join(light.reasons[1:]) if light else "",
        has_plan=r.has_plan,
        phase_name=r.phase_name,
        phase_progress=r.phase_progress,
        day_in_phase=formats.localize(r.day_in_phase) if r.day_in_phase else "",
        phase_words=r.phase_words,
        last_log=_date(r.last_log_on, "j M"),
        last_log_ago=_days_ago(r.last_log_days) if r.last_log_on else "",
        shows_load="training_load" in r.visible,
        sparkline=r.sparkline,
        week_load=floatformat(r.this_week_load, 0),
        load_change=_signed_percent(r.load_change_percent),
        load_change_class=_change_class(r.load_change_percent),
        typical_return=_date(r.typical_return, "j M Y"),
        earliest_return=_date(r.earliest_return, "j M")
        if r.typical_return and r.earliest_return != r.typical_return
        else "",
        return_waits=r.return_waits,
        confidence_level=confidence.level if confidence else "",
        confidence_label=confidence.label if confidence else "",
        confidence_note=confidence.note if confidence else "",
        usual_from=_date(pooled.low, "j M") if pooled else "",
        usual_to=_date(pooled.high, "j M") if pooled else "",
    )


def _date(value: dt.date | None, fmt: str) -> str:
    """``{{ value|date:fmt }}``, or "" without a date."""
    return _date_text(value, fmt, translation.get_language()) if value else ""


@functools.lru_cache(maxsize=4096)
def _date_text(value: dt.date, fmt: str, language: str | None) -> str:
    """A date formatted in a language (month names): a board formats the same few hundred dates
    (last logs, return dates, usual ranges) request after request."""
    return date_filter(value, fmt)


def _days_ago(days: int | None) -> str:
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    return f"{formats.localize(days)} days ago"


def _signed_percent(change: float | None) -> str:
    if change is None:
        return ""
    return f"{'+' if change >= 0 else ''}{floatformat(change, 0)}"


def _change_class(change: float | None) -> str:
    return "change-up" if change is not None and change > 30 else "muted"


def board_groups(rows: Sequence[CaseFacts]) -> list[tuple[str, list[BoardRow]]]:
    """The board's sections (``group_by_team``), each with its rows ready to print."""
    return [(team, [board_row(r) for r in team_rows]) for team, team_rows in group_by_team(rows)]
