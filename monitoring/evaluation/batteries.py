"""Reads of test batteries: the engine's ``SymmetryEntry`` records of a chunk of cases (one
query), and each test's trend over time for the case page (two queries).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import groupby

from django.db import connection
from django.db.models import Prefetch, QuerySet

from monitoring.evaluation import sql
from monitoring.models import BatteryResult, TestBattery
from protocols.engine.battery import TESTS, battery_entries
from protocols.engine.records import SymmetryEntry
from rehab.db import any_of

SYMMETRY_COLUMNS = (
    "case_id",
    "id",
    "date",
    "involved_side",
    "limb_length_left_cm",
    "limb_length_right_cm",
    "results__test",
    "results__muscle_group",
    "results__left",
    "results__right",
    "results__pain",
)


def symmetry_rows(case_ids: list[int], start: dt.date, end: dt.date) -> QuerySet:
    """``SYMMETRY_COLUMNS`` of the cases' batteries from ``start`` to ``end``, one row per
    result, by case, day and battery."""
    return (
        TestBattery.objects.filter(
            any_of(TestBattery, "case_id", case_ids), date__gte=start, date__lte=end
        )
        .order_by("case_id", "date", "id", "results__id")
        .values_list(*SYMMETRY_COLUMNS)
    )


def symmetry_entries(rows: list[tuple]) -> dict[int, tuple[SymmetryEntry, ...]]:
    """``symmetry_rows`` as each case's engine records (with the Y-balance composite)."""
    out: dict[int, list[SymmetryEntry]] = defaultdict(list)
    for (case_id, _, day, side, left_len, right_len), group in groupby(rows, key=lambda r: r[:6]):
        results = [r[6:] for r in group if r[6] is not None]  # a battery without results
        out[case_id].extend(battery_entries(day, side, results, (left_len, right_len)))
    return {case_id: tuple(entries) for case_id, entries in out.items()}


def case_symmetry(case_ids: list[int], start: dt.date, end: dt.date) -> dict[int, tuple]:
    """The cases' ``SymmetryEntry`` records by case id (one query; on PostgreSQL the named
    statement ``sql.battery_statement``)."""
    if connection.vendor != "postgresql":
        return symmetry_entries(list(symmetry_rows(case_ids, start, end)))
    return symmetry_entries(sql.battery_rows(case_ids, start, end))


# --- the case page ------------------------------------------------------------------------------


@dataclass
class TestTrend:
    """One test (a muscle group for the dynamometer) across a case's batteries, by date."""

    key: str
    label: str
    unit: str
    points: list[SymmetryPoint] = field(default_factory=list)


@dataclass(frozen=True)
class SymmetryPoint:
    day: dt.date
    left: float | None
    right: float | None
    involved_side: str
    lsi: float | None
    pain: int | None
    unit: str

    @property
    def complete(self) -> bool:
        return self.lsi is not None


def case_batteries(case_id: int) -> QuerySet[TestBattery]:
    """A case's batteries, latest first, with their results (two queries)."""
    return (
        TestBattery.objects.filter(case_id=case_id)
        .select_related("assessed_by")
        .prefetch_related(Prefetch("results", queryset=BatteryResult.objects.order_by("id")))
        .order_by("-date", "-id")
    )


def _composite_points(battery: TestBattery) -> SymmetryPoint | None:
    results = [(r.test, r.muscle_group, r.left, r.right, r.pain) for r in battery.results.all()]
    lengths = (battery.limb_length_left_cm, battery.limb_length_right_cm)
    entries = battery_entries(battery.date, battery.involved_side, results, lengths)
    composite = next((e for e in entries if e.test == "y_balance_composite"), None)
    if composite is None:
        return None
    left, right = (
        (composite.involved, composite.uninvolved)
        if battery.involved_side == "left"
        else (composite.uninvolved, composite.involved)
    )
    pain = None if composite.pain is None else int(composite.pain)
    return SymmetryPoint(battery.date, left, right, battery.involved_side, composite.lsi, pain, "%")


def trends(batteries: list[TestBattery]) -> list[TestTrend]:
    """Each test's points over time (oldest first), in the battery's test order."""
    found: dict[str, TestTrend] = {}
    for battery in sorted(batteries, key=lambda b: (b.date, b.pk)):
        for r in battery.results.all():
            key = f"{r.test}:{r.muscle_group}" if r.muscle_group else r.test
            trend = found.setdefault(key, TestTrend(key, r.label, r.get_unit_display()))
            trend.points.append(
                SymmetryPoint(
                    battery.date, r.left, r.right, battery.involved_side, r.lsi, r.pain, r.unit
                )
            )
        composite = _composite_points(battery)
        if composite is not None:
            spec = TESTS["y_balance_composite"]
            trend = found.setdefault(spec.code, TestTrend(spec.code, spec.label, "%"))
            trend.points.append(composite)
    order = {code: i for i, code in enumerate(TESTS)}
    return sorted(found.values(), key=lambda t: (order[t.key.split(":")[0]], t.key))
