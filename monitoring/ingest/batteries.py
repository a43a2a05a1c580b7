"""Recording a test battery: every test of one sitting, left and right, in one atomic write.

The limb symmetry index is computed from the two sides (``BatteryResult.lsi``), never typed; a
test with one side missing is kept as "incomplete". Errors name the field they concern: a
result's as ``results.<index>.<field>`` (the API's nested field errors; the clinic's form maps
them to its rows).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction

from athletes import permissions
from athletes.models import Case, User
from monitoring.evaluation.queue import request_evaluation
from monitoring.ingest.checks import athlete_today, check_date
from monitoring.models import BatteryResult, TestBattery
from protocols.engine.battery import (
    BATTERY_TESTS,
    FORCE_UNITS,
    MAX_LIMB_LENGTH_CM,
    MUSCLE_GROUPS,
    TESTS,
)
from rehab.errors import ApplicationError

RECORDED_TESTS = {t.code for t in BATTERY_TESTS}
GROUPS = {code for code, _ in MUSCLE_GROUPS}
SIDED = {Case.Side.LEFT, Case.Side.RIGHT}


def involved_side_of(case: Case) -> str | None:
    """The injured limb from the case's side; None when it is bilateral or not applicable
    (the clinician is asked)."""
    return case.side if case.side in SIDED else None


def _number(value: Any, field: str, *, high: float, whole: bool) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ApplicationError("Invalid value.", {field: "Enter a number."}) from None
    if not math.isfinite(number) or number < 0:
        raise ApplicationError("Invalid value.", {field: "Cannot be negative."})
    if number > high:
        raise ApplicationError("Implausible value.", {field: f"At most {high:g}: check it."})
    if whole and number != int(number):
        raise ApplicationError("Whole numbers only.", {field: "Enter a whole number."})
    return number


def _unit(test: str, given: str, at: str) -> str:
    if test == "isometric_strength":
        if given not in FORCE_UNITS:
            raise ApplicationError("Choose a unit.", {f"{at}.unit": "N or kg."})
        return given
    return "cm" if TESTS[test].unit == "cm" else "count"


def _result(index: int, row: Mapping[str, Any]) -> BatteryResult:
    at = f"results.{index}"
    test = row.get("test")
    if test not in RECORDED_TESTS:
        raise ApplicationError("Unknown test.", {f"{at}.test": "Choose a test from the list."})
    group = row.get("muscle_group") or ""
    if test == "isometric_strength" and group not in GROUPS:
        raise ApplicationError("Choose a muscle group.", {f"{at}.muscle_group": "Required."})
    if test != "isometric_strength" and group:
        raise ApplicationError(
            "Muscle groups are for the dynamometer.",
            {f"{at}.muscle_group": "Only isometric strength has a muscle group."},
        )
    unit = _unit(test, row.get("unit") or "", at)
    spec = TESTS[test]
    high = FORCE_UNITS[unit] if unit in FORCE_UNITS else spec.high
    left = _number(row.get("left"), f"{at}.left", high=high, whole=spec.whole)
    right = _number(row.get("right"), f"{at}.right", high=high, whole=spec.whole)
    if left is None and right is None:
        raise ApplicationError(
            "A test needs a left or a right value.",
            {f"{at}.left": "Record the left side, the right side or both."},
        )
    pain = row.get("pain")
    if pain is not None and pain != "":
        if isinstance(pain, bool) or not isinstance(pain, int | float) or pain != int(pain):
            raise ApplicationError("Invalid pain.", {f"{at}.pain": "Pain is a whole 0–10."})
        if not 0 <= pain <= 10:
            raise ApplicationError("Invalid pain.", {f"{at}.pain": "Pain is rated 0 to 10."})
        pain = int(pain)
    else:
        pain = None
    return BatteryResult(
        test=test, muscle_group=group, unit=unit, left=left, right=right, pain=pain
    )


def _side(case: Case, given: str | None) -> str:
    from_case = involved_side_of(case)
    if from_case is not None:
        if given and given != from_case:
            raise ApplicationError(
                "The involved side is the case's.",
                {"involved_side": f"This case's injury is on the {from_case} side."},
            )
        return from_case
    if given not in SIDED:
        raise ApplicationError(
            "Which side is involved?",
            {"involved_side": "The case's side is not left or right: choose the involved side."},
        )
    return given  # type: ignore[return-value]


def battery_record(
    *,
    case: Case,
    date: dt.date,
    results: Sequence[Mapping[str, Any]],
    assessed_by: User,
    involved_side: str | None = None,
    limb_length_left_cm: Any = None,
    limb_length_right_cm: Any = None,
    notes: str = "",
    today: dt.date | None = None,
) -> TestBattery:
    """Record a battery and its results at once (all or nothing), and queue the case's
    evaluation after the commit. ``results`` are dicts of ``test``, ``muscle_group`` (the
    dynamometer's), ``unit`` (``N`` or ``kg`` for the dynamometer), ``left``, ``right`` and
    ``pain``; a result needs at least one side."""
    if not permissions.can_record_battery(assessed_by, case):
        raise ApplicationError("You may not record test batteries on this case.")
    check_date(date, today=today or athlete_today(case.athlete))
    side = _side(case, involved_side)
    lengths = [
        _number(value, field, high=MAX_LIMB_LENGTH_CM, whole=False)
        for value, field in (
            (limb_length_left_cm, "limb_length_left_cm"),
            (limb_length_right_cm, "limb_length_right_cm"),
        )
    ]
    if not results:
        raise ApplicationError("Record at least one test.", {"results": "No test was recorded."})
    rows = [_result(i, row) for i, row in enumerate(results)]
    seen: set[tuple[str, str]] = set()
    for i, row in enumerate(rows):
        if (row.test, row.muscle_group) in seen:
            raise ApplicationError(
                "A test is recorded twice.", {f"results.{i}.test": "This test is given twice."}
            )
        seen.add((row.test, row.muscle_group))
    if TestBattery.objects.filter(case=case, date=date).exists():
        raise _already(date)
    try:
        return _write(case, date, side, lengths, notes, assessed_by, rows)
    except IntegrityError:  # a concurrent submission of the same day won
        raise _already(date) from None


def _already(date: dt.date) -> ApplicationError:
    return ApplicationError(
        "A test battery is already recorded on this day.",
        {"date": f"This case has a test battery on {date:%d %b %Y} already."},
    )


def _write(case, date, side, lengths, notes, assessed_by, rows) -> TestBattery:
    with transaction.atomic():
        battery = TestBattery.objects.create(
            case=case,
            date=date,
            involved_side=side,
            limb_length_left_cm=lengths[0],
            limb_length_right_cm=lengths[1],
            notes=notes.strip(),
            assessed_by=assessed_by,
        )
        for row in rows:
            row.battery = battery
        BatteryResult.objects.bulk_create(rows)
        request_evaluation([case.pk])
    return battery
