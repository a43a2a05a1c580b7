"""The athlete's shoes: named pairs that sessions pick, and the distance run in each."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum

from athletes.models import Athlete
from monitoring.models import Shoe
from rehab.errors import ApplicationError


@dataclass(frozen=True)
class ShoeDistance:
    shoe: Shoe
    km: Decimal  # before they were added, plus every session run in them with a distance
    sessions: int


def shoe_distances(athlete: Athlete) -> list[ShoeDistance]:
    """Each of the athlete's pairs with its distance, pairs in use first; one query."""
    shoes = Shoe.objects.filter(athlete=athlete).annotate(
        run_km=Sum("sessions__distance_km"), session_count=Count("sessions")
    )
    return [
        ShoeDistance(shoe=s, km=s.km_before + (s.run_km or 0), sessions=s.session_count)
        for s in shoes
    ]


def shoe_add(*, athlete: Athlete, name: str, km_before: Decimal | int = 0) -> Shoe:
    """A new pair. A name the athlete already uses (any case) is refused with a field error."""
    name = " ".join((name or "").split())
    if not name:
        message = "Give the pair a name, e.g. the brand and model."
        raise ApplicationError(message, {"name": message})
    shoe = Shoe(athlete=athlete, name=name, km_before=km_before)
    try:
        shoe.full_clean(exclude=["athlete"], validate_constraints=False)
        with transaction.atomic():
            shoe.save()
    except IntegrityError:
        message = f"You already have a pair called “{name}”."
        raise ApplicationError(message, {"name": message}) from None
    except ValidationError as exc:
        raise ApplicationError.from_django(exc) from None
    return shoe


def shoe_retire(*, shoe: Shoe, on: dt.date, retired: bool = True) -> Shoe:
    """Retire a pair (it leaves the log's choices and keeps its distance), or bring it back."""
    shoe.retired_on = on if retired else None
    shoe.save(update_fields=["retired_on"])
    return shoe
