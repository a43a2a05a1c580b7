"""Model fields of the app: JSON documents stored for speed (the evaluations) and secrets kept
encrypted at rest (a webhook's signing secret)."""

from __future__ import annotations

import json

from django import forms
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from rehab import crypto


class DocumentField(models.JSONField):
    """A JSON document of a few kilobytes (a stored evaluation). No model uses it now (the
    evaluations are ``JSONTextField``s since migrations 0005 and 0030); migration 0004 still
    names it, so it stays importable.

    Inserted many rows at a time, Django 5.2 sends each column on PostgreSQL as one array
    (``UNNEST``); the driver quotes an array of large JSON texts character by character in
    Python, many times slower than the server parses the plain multi-row ``VALUES`` that a
    field with its own placeholder gets instead.
    """

    def get_placeholder(self, value, compiler, connection) -> str:
        return "%s"


class JSONTextField(models.TextField):
    """A JSON document kept as its text, read and written whole and never queried inside: the
    latest evaluation of a case, rewritten for every active case every night.

    PostgreSQL keeps text as it is given, where ``jsonb`` parses and rebuilds each document on
    the way in: two thirds of the server's time in the nightly upsert. The Python value is
    what a ``JSONField`` gives (dicts, lists, numbers, strings); the column holds its JSON.
    """

    description = "A JSON document stored as text"

    def from_db_value(self, value, expression, connection):
        return None if value is None else json.loads(value)

    def to_python(self, value):
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError as exc:
                raise ValidationError("Enter valid JSON.", code="invalid") from exc
        return value

    def get_prep_value(self, value):
        if value is None:
            return None
        return json.dumps(value, cls=DjangoJSONEncoder)

    def value_to_string(self, obj) -> str:
        return json.dumps(self.value_from_object(obj), cls=DjangoJSONEncoder)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": forms.JSONField, **kwargs})


class EncryptedTextField(models.TextField):
    """A secret the app must read back (to sign with it) but that a copy of the database must
    not give away: the column holds a Fernet token (``rehab.crypto``), the Python value is the
    text. Never filtered or ordered on (a token differs at every write)."""

    description = "Text kept encrypted at rest"

    def from_db_value(self, value, expression, connection):
        return None if value is None else crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return None if value is None else crypto.encrypt(value)
