"""An athlete's age in whole years on a day, and who is under 18 (an adolescent for the
bone-health rules, with a guardian to contact), and what such an athlete needs of a guardian
(intake and later edits share it). Pure."""

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


GUARDIAN_NAME_MISSING = "Required for an athlete under 18."
GUARDIAN_CONTACT_MISSING = "A phone number or an e-mail for the guardian."


def guardian_missing(born: dt.date | None, day: dt.date, values: dict) -> dict[str, str]:
    """What an athlete under 18 on ``day`` lacks of a guardian to contact, by field: a name,
    and a phone number or an e-mail. ``values`` holds the guardian fields as they would be
    saved (blank or absent: none). Empty for an adult or without a date of birth: their
    guardian is optional, and may be cleared."""
    if not is_under_18(born, day):
        return {}

    def given(name: str) -> bool:
        return bool(str(values.get(name) or "").strip())

    errors: dict[str, str] = {}
    if not given("guardian_name"):
        errors["guardian_name"] = GUARDIAN_NAME_MISSING
    if not given("guardian_phone") and not given("guardian_email"):
        errors["guardian_phone"] = GUARDIAN_CONTACT_MISSING
    return errors
