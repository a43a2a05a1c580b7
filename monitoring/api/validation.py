"""What an item of an upsert holds, checked field by field as its DRF serializer would, on a
quicker path for the plain JSON values of the commonest fields.

`parse_items` type-checks a request's items with an item serializer. An item all of whose
values the quick path knows and accepts is cleaned without DRF's per-field layers; any other
item (one the serializer must refuse, or a value the quick path does not handle) goes through
the serializer itself, which says why, so the answer is the serializer's either way.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
    ProhibitNullCharactersValidator,
)
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.fields import SkipField, empty
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from monitoring.ingest import bulk as ingest
from rehab.errors import ApplicationError


@functools.cache
def item_parser(serializer_class: type[serializers.Serializer]) -> serializers.Serializer:
    """One parser per item serializer class, its fields built once (a model serializer builds
    them from the model on every instance): validating an item keeps no state on either."""
    parser = serializer_class()
    parser.fields  # noqa: B018 — built here, once
    return parser


class Slow(Exception):
    """Raised by the quick path: the item takes the serializer's own validation, for a value it
    must refuse (the serializer says why, for every field at once) or one the quick path does
    not handle."""


_SURROGATE = re.compile("[\ud800-\udfff]")


def _passes(field: serializers.Field) -> Callable[[Any], bool] | None:
    """A quick test that `field`'s validators all accept a value of the field's own type (an
    int, a string), or None when the field has a validator it does not know. True means
    `run_validators` would pass; False only that it must be asked (it raises, with its own
    message). Knows Django's range and length validators with fixed limits and the
    character checks DRF gives every string field."""
    tests: list[Callable[[Any], bool]] = []
    for validator in field.validators:
        cls = type(validator)
        limit = getattr(validator, "limit_value", None)
        if cls in (MinValueValidator, MaxValueValidator) and type(limit) not in (int, float):
            return None  # a callable or a Decimal limit: the validator itself
        if cls is MaxLengthValidator and type(limit) is not int:
            return None
        if cls is MinValueValidator:
            tests.append(lambda value, limit=limit: value >= limit)
        elif cls is MaxValueValidator:
            tests.append(lambda value, limit=limit: value <= limit)
        elif cls is MaxLengthValidator:
            tests.append(lambda value, limit=limit: len(value) <= limit)
        elif cls is ProhibitNullCharactersValidator:
            tests.append(lambda value: "\x00" not in value)
        elif cls is ProhibitSurrogateCharactersValidator:
            tests.append(lambda value: value.isascii() or _SURROGATE.search(value) is None)
        else:
            return None
    if not tests:
        return lambda value: True
    if len(tests) == 2:
        first, second = tests
        return lambda value: first(value) and second(value)
    return lambda value: all(test(value) for test in tests)


def _run_validators(field: serializers.Field) -> Callable[[Any], None]:
    """`field.run_validators`, its validators tested directly first when `_passes` knows them:
    only a value that fails the direct test is handed to the validators themselves (which say
    why, or let it pass)."""
    run_validators = field.run_validators
    passes = _passes(field)
    if passes is None:
        return run_validators

    def run(value):
        if not passes(value):
            run_validators(value)

    return run


def _quick_integer(field: serializers.IntegerField) -> Callable[[Any], Any]:
    run_validation, run_validators = field.run_validation, _run_validators(field)

    def integer(value):
        if type(value) is not int:
            return run_validation(value)
        run_validators(value)  # int(str(value)) is the value itself
        return value

    return integer


def _quick_boolean(field: serializers.BooleanField) -> Callable[[Any], Any]:
    run_validation, run_validators = field.run_validation, _run_validators(field)

    def boolean(value):
        if value is not True and value is not False:
            return run_validation(value)
        run_validators(value)
        return value

    return boolean


def _quick_choice(field: serializers.ChoiceField) -> Callable[[Any], Any]:
    run_validation, run_validators = field.run_validation, _run_validators(field)
    choices = field.choice_strings_to_values

    def choice(value):
        if type(value) is not str or value == "" or value not in choices:
            return run_validation(value)
        value = choices[value]
        run_validators(value)
        return value

    return choice


def _quick_text(field: serializers.CharField) -> Callable[[Any], Any]:
    run_validation, run_validators = field.run_validation, _run_validators(field)
    trim, allow_blank = field.trim_whitespace, field.allow_blank

    def text(value):
        if type(value) is not str:
            return run_validation(value)
        stripped = value.strip()
        if value == "" or (trim and stripped == ""):
            if not allow_blank:
                raise Slow
            return ""
        value = stripped if trim else value
        run_validators(value)
        return value

    return text


_QUICK_FIELDS: dict[type[serializers.Field], Callable[[Any], Callable[[Any], Any]]] = {
    serializers.IntegerField: _quick_integer,
    serializers.BigIntegerField: _quick_integer,
    serializers.BooleanField: _quick_boolean,
    serializers.ChoiceField: _quick_choice,
    serializers.CharField: _quick_text,
}
"""The field classes (exactly these, not their subclasses) whose steps the quick path inlines
for the plain JSON values of their own type: an int, a bool, a string."""


def quick_field(field: serializers.Field) -> Callable[[Any], Any]:
    """`field.run_validation` for a value that is present and not null, with DRF's own steps
    inlined for the plain JSON values of the commonest fields (an int for an integer, a bool, a
    string) and their validators tested directly when `_passes` knows them; any other value
    goes through `field.run_validation` itself. Raises on refusal, as `field.run_validation`
    does, or `Slow` for a blank string that field refuses."""
    make = _QUICK_FIELDS.get(type(field))
    return field.run_validation if make is None else make(field)


def quick_parser(parser: serializers.Serializer) -> Callable[[dict], dict] | None:
    """`parser.run_validation` for an item (a JSON object) all of whose values pass, field by
    field as DRF takes them, without DRF's per-field layers; raises `Slow` for any item it
    would refuse, so that the serializer itself says why. None for a serializer with checks of
    its own (validators, `validate`, `validate_<field>`, dotted or whole-object sources)."""
    if "_quick" in parser.__dict__:
        return parser.__dict__["_quick"]
    parser.__dict__["_quick"] = None
    cls = type(parser)
    if parser.validators or cls.validate is not serializers.Serializer.validate:
        return None
    steps = []
    for field in (f for f in parser.fields.values() if not f.read_only):
        name = field.field_name
        if getattr(cls, f"validate_{name}", None) is not None or len(field.source_attrs) != 1:
            return None
        if field.source == "*":
            return None
        # left out: an error if required, the default if it has one (both DRF's to give)
        slow_if_left_out = field.required or field.default is not empty
        null = field.allow_null
        steps.append((name, field.source_attrs[0], slow_if_left_out, null, quick_field(field)))

    def run(item: dict) -> dict:
        out = {}
        for name, key, slow_if_left_out, null, check in steps:
            value = item.get(name, empty)
            if value is empty:
                if slow_if_left_out:
                    raise Slow
                continue  # DRF skips a field left out that has no default
            if value is None:
                if not null:
                    raise Slow
                out[key] = None
                continue
            out[key] = check(value)
        return out

    parser.__dict__["_quick"] = run
    return run


def parse_items(raw, parser: serializers.Serializer) -> tuple[list, dict[int, dict]]:
    """Type-check each item with `parser`; return (values or None, errors by index)."""
    if not isinstance(raw, list):
        raise ApplicationError("Send the items as a list.", {"items": "Expected a list."})
    if not raw:
        raise ApplicationError("No items.", {"items": "Send at least one item."})
    if len(raw) > ingest.MAX_ITEMS:
        raise ApplicationError(
            f"At most {ingest.MAX_ITEMS:,} items per request.",
            {"items": f"Send at most {ingest.MAX_ITEMS:,} items; split the rest."},
        )
    known = set(parser.fields)
    quick = quick_parser(parser)
    values: list = []
    errors: dict[int, dict] = {}
    for index, item in enumerate(raw):
        values.append(None)
        if not isinstance(item, dict):
            errors[index] = {"non_field_errors": ["Each item must be an object."]}
            continue
        unknown = sorted(set(item) - known)
        if unknown:
            errors[index] = {name: ["Unknown field."] for name in unknown}
            continue
        if quick is not None and type(item) is dict:  # a form's QueryDict is read otherwise
            try:
                values[index] = quick(item)
                continue
            except (Slow, ValidationError, DjangoValidationError, SkipField):
                pass
        try:
            values[index] = parser.run_validation(item)
        except ValidationError as exc:
            errors[index] = error_messages(exc.detail)
    return values, errors


def error_messages(detail) -> dict[str, list[str]]:
    """A DRF error's detail as lists of messages by field (`non_field_errors` for the item)."""
    if isinstance(detail, dict):
        return {
            str(k): [str(m) for m in (v if isinstance(v, list) else [v])] for k, v in detail.items()
        }
    return {
        "non_field_errors": [str(m) for m in (detail if isinstance(detail, list) else [detail])]
    }
