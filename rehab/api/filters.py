"""Query-string filters every endpoint may use: ids and times PostgreSQL can compare."""

from __future__ import annotations

import datetime as dt

from django import forms
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField as IsoDateTimeFieldBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from rehab.db import MAX_ID

MAX_UTC_OFFSET = dt.timedelta(hours=15, minutes=59)
"""PostgreSQL's widest time zone offset: a larger one must be a 400, not a database error."""


class IsoDateTimeField(IsoDateTimeFieldBase):
    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return value
        offset = value.utcoffset()
        if offset is not None and abs(offset) > MAX_UTC_OFFSET:
            raise forms.ValidationError("The time zone offset must be within ±15:59.")
        try:
            value.astimezone(dt.UTC)
        except OverflowError:
            raise forms.ValidationError("The date and time are out of range.") from None
        return value


class IsoDateTimeFilter(filters.IsoDateTimeFilter):
    """django-filter's ISO 8601 filter, refusing what PostgreSQL cannot store (found by fuzzing:
    ``updated_after=3336-07-06T04:47:03+16:17`` was a 500)."""

    field_class = IsoDateTimeField


class IdField(forms.IntegerField):
    """A whole number from 1 to the largest id a row can have: anything else names no row, and
    is a 400 on every database (SQLite's driver cannot even send 2**63)."""

    default_error_messages = {
        "invalid": "Enter an id: a whole number.",
        "min_value": f"An id is from 1 to {MAX_ID}.",
        "max_value": "An id is from 1 to %(limit_value)s.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(filters.NumberFilter):
    """An id in the query string: a whole number from 1 to ``MAX_ID``, or a 400."""

    field_class = IdField
