"""An athlete's age in whole years on a day, and who is under 18 (an adolescent for the
bone-health rules, with a guardian to contact). Pure."""

from __future__ import annotations

import datetime as dt

ADULT_AGE = 18


def age_on(born: dt.date | None, day: dt.date) -> int | None:
    """Whole years on ``day``; None without a date of birth."""
    if born is None:
        return None
    years = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    return max(0, years)


def is_under_18(born: dt.date | None, day: dt.date) -> bool:
    age = age_on(born, day)
    return age is not None and age < ADULT_AGE
