"""The team board as a CSV file: the columns a coach may see, every cell safe to open in a
spreadsheet."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from monitoring.surfaces.coach.facts import CaseFacts

CSV_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> str:
    """A cell a spreadsheet will not run as a formula (OWASP CSV injection): text starting with
    = + - @ (or a tab or carriage return) gets a leading quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(CSV_DANGEROUS) else text


@dataclass(frozen=True)
class Column:
    """A column of the export: its header, the case field it shows and its cell of a row."""

    header: str
    field: str  # the permissions field the column shows
    value: Any  # CaseFacts -> cell


def _date(d: dt.date | None) -> str:
    """A date as ISO 8601, or an empty cell."""
    return d.isoformat() if d else ""


BOARD_COLUMNS: tuple[Column, ...] = (
    Column("Athlete", "athlete", lambda r: r.athlete),
    Column("Team", "team", lambda r: r.team or ""),
    Column("Sport", "sport", lambda r: r.sport or ""),
    Column("Phase", "phase", lambda r: r.phase_name or "No plan yet"),
    Column("Phase number", "phase_progress", lambda r: r.phase_number or ""),
    Column("Phases in plan", "phase_progress", lambda r: r.phase_count or ""),
    Column("Day in phase", "phase_progress", lambda r: r.day_in_phase or ""),
    Column("Status", "status_light", lambda r: r.light.colour if r.light else ""),
    Column("Status in words", "status_light", lambda r: r.light.label if r.light else ""),
    Column("Reason", "status_light", lambda r: " ".join(r.light.reasons) if r.light else ""),
    Column("Open flags", "flag_kinds", lambda r: "; ".join(f.label for f in r.flags)),
    Column("Last log", "last_log_on", lambda r: _date(r.last_log_on)),
    Column(
        "Load this week (AU)",
        "training_load",
        lambda r: "" if r.this_week_load is None else f"{r.this_week_load:.0f}",
    ),
    Column(
        "Weekly load, last 4 weeks (AU)",
        "training_load",
        lambda r: " / ".join(f"{v:.0f}" for _, v in r.weeks),
    ),
    Column("Earliest return", "projected_return", lambda r: _date(r.earliest_return)),
    Column("Typical return", "projected_return", lambda r: _date(r.typical_return)),
    Column(
        "Usual range from",
        "pooled_return_range",
        lambda r: _date(r.pooled.low if r.pooled else None),
    ),
    Column(
        "Usual range to",
        "pooled_return_range",
        lambda r: _date(r.pooled.high if r.pooled else None),
    ),
    Column("Confidence", "return_confidence", lambda r: r.confidence.level if r.confidence else ""),
)


def csv_table(rows: Sequence[CaseFacts]) -> tuple[list[str], list[list[str]]]:
    """Header and cells of the board export: a column only when every row may show its field
    (the permission decision, made per case), every cell safe against CSV injection."""
    columns = [c for c in BOARD_COLUMNS if all(r.shows(c.field) for r in rows)]
    header = [csv_safe(c.header) for c in columns]
    return header, [[csv_safe(c.value(r)) for c in columns] for r in rows]
