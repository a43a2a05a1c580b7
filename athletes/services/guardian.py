"""A parent's or guardian's contact details on an athlete's record, corrected after intake.

The rule of intake holds afterwards too (``athletes.ages.guardian_missing``): an athlete under 18
keeps a guardian's name and a phone or an e-mail; an adult's guardian may be cleared."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from athletes import permissions
from athletes.ages import guardian_missing
from athletes.models import Athlete, User
from athletes.services.cases import GUARDIAN_FIELDS
from rehab.errors import ApplicationError

_LIMITS = {"guardian_name": 160, "guardian_relationship": 60, "guardian_phone": 40}


def guardian_update(
    *, athlete: Athlete, by: User, today: dt.date | None = None, **values
) -> Athlete:
    """Set the guardian's name, relationship, phone and e-mail (the fields given; blank clears).
    Only someone who may correct them on one of the athlete's cases (the clinical team).

    The fields as they would be saved must still satisfy intake's rule on ``today`` (default:
    the athlete's today): under 18, a name and a phone or an e-mail."""
    if not permissions.can_edit_guardian_of(by, athlete.cases.all()):
        raise ApplicationError("Only the athlete's clinical team records the guardian.")
    errors: dict[str, str] = {}
    clean: dict[str, str] = {}
    for name, value in values.items():
        if name not in GUARDIAN_FIELDS:
            errors[name] = "Not a guardian field."
            continue
        text = (value or "").strip() if isinstance(value, str) or value is None else None
        if text is None:
            errors[name] = "Text expected."
        elif name in _LIMITS and len(text) > _LIMITS[name]:
            errors[name] = f"At most {_LIMITS[name]} characters."
        elif name == "guardian_email" and text:
            try:
                validate_email(text)
            except ValidationError:
                errors[name] = "Enter a valid e-mail address."
        if name not in errors:
            clean[name] = text
    if not errors:
        after = {name: getattr(athlete, name) for name in GUARDIAN_FIELDS} | clean
        errors = guardian_missing(athlete.date_of_birth, today or athlete.today(), after)
    if errors:
        raise ApplicationError("Check the guardian's details.", errors)
    with transaction.atomic():
        for name, text in clean.items():
            setattr(athlete, name, text)
        athlete.save(update_fields=[*clean, "updated_at"])
    return athlete
