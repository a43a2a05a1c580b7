"""The quick path of the bulk writes' item validation accepts and refuses exactly what the item
serializers do: field by field (the same verdict, and when valid the same cleaned value of the
same type) and item by item (the same values, or the same messages by field)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.fields import SkipField

from monitoring.api import validation
from monitoring.api.logs import DailyLogItemSerializer
from monitoring.api.metrics import DeviceMetricItemSerializer
from monitoring.api.sessions import ActivitySessionItemSerializer

from .test_write_paths import ODD_VALUES, VALID_ITEMS

ITEM_SERIALIZERS = [
    DailyLogItemSerializer,
    ActivitySessionItemSerializer,
    DeviceMetricItemSerializer,
]
QUICK_REFUSALS = (validation.Slow, ValidationError, DjangoValidationError, SkipField)

ANY_TEXT = st.text(st.characters(codec=None, categories=None), max_size=12)  # surrogates too
JSON_LIKE = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.integers(min_value=-3, max_value=30),
    st.booleans(),
    st.floats(),
    st.decimals(places=2, allow_nan=False, allow_infinity=False),
    ANY_TEXT,
    st.sampled_from(ODD_VALUES),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=1),
)


def edge_values(field: serializers.Field) -> st.SearchStrategy:
    """Values at the field's own edges: its choices (padded too), its limits and one past them,
    its longest string and one longer."""
    edges: list = []
    if isinstance(field, serializers.ChoiceField):
        for key in field.choice_strings_to_values:
            edges += [key, f" {key} ", key.upper()]
    for validator in field.validators:
        limit = getattr(validator, "limit_value", None)
        if callable(limit):
            continue
        if isinstance(validator, MinValueValidator | MaxValueValidator):
            edges += [limit, limit - 1, limit + 1, str(limit), float(limit), Decimal(limit)]
        elif isinstance(validator, MaxLengthValidator):
            edges += ["x" * limit, "x" * (limit + 1), "é" * limit, " " + "x" * limit + " "]
    return st.sampled_from(edges) if edges else st.nothing()


def verdict(run, value):
    """("valid", the cleaned value as type and repr) or ("invalid",): repr tells 7.5 from 7.50
    and compares a NaN with itself."""
    try:
        cleaned = run(value)
    except QUICK_REFUSALS:
        return ("invalid",)
    return ("valid", type(cleaned), repr(cleaned))


def cleaned(values: dict | None):
    if values is None:
        return None
    return [(name, type(value), repr(value)) for name, value in values.items()]


@pytest.mark.parametrize("serializer_class", ITEM_SERIALIZERS, ids=lambda c: c.__name__)
@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_each_field_accepts_and_refuses_what_the_serializers_field_does(serializer_class, data):
    parser = validation.item_parser(serializer_class)
    writable = [f for f in parser.fields.values() if not f.read_only]
    field = data.draw(st.sampled_from(writable), label="field")
    value = data.draw(st.one_of(JSON_LIKE, edge_values(field)), label="value")
    quick = validation.quick_field(field)
    assert verdict(quick, value) == verdict(field.run_validation, value)


@pytest.mark.parametrize("serializer_class", ITEM_SERIALIZERS, ids=lambda c: c.__name__)
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_each_item_gets_the_serializers_values_or_errors(serializer_class, data):
    parser = validation.item_parser(serializer_class)
    assert validation.quick_parser(parser) is not None
    fields = {f.field_name: f for f in parser.fields.values() if not f.read_only}
    item = dict(VALID_ITEMS[serializer_class])
    for name in data.draw(st.lists(st.sampled_from(sorted(fields)), max_size=3, unique=True)):
        change = data.draw(st.sampled_from(["leave out", "null", "value"]))
        if change == "leave out":
            item.pop(name, None)
        elif change == "null":
            item[name] = None
        else:
            item[name] = data.draw(st.one_of(JSON_LIKE, edge_values(fields[name])))
    values, errors = validation.parse_items([item], parser)
    try:
        expected, expected_errors = parser.run_validation(item), None
    except ValidationError as exc:
        expected, expected_errors = None, validation.error_messages(exc.detail)
    assert (cleaned(values[0]), errors.get(0)) == (cleaned(expected), expected_errors)
