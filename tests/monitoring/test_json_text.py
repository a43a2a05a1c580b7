"""The latest evaluation is kept as JSON text: the same Python values as a JSONField, a plain
text column (with LZ4 compression on PostgreSQL) underneath."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from monitoring.models import CaseEvaluation, JSONTextField

pytestmark = pytest.mark.django_db


def test_a_document_goes_in_as_json_text_and_comes_back_as_it_was(walk_run, case):
    plan = walk_run
    document = {"day": "2026-03-10", "ready": False, "advance": [{"met": None, "observed": 2.5}]}
    CaseEvaluation.objects.create(
        case=case,
        phase_id=plan.current_phase_id,
        evaluated_at=timezone.now(),
        evaluated_for=dt.date(2026, 3, 10),
        evaluation=document,
    )
    assert CaseEvaluation.objects.get(case=case).evaluation == document
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT evaluation FROM monitoring_caseevaluation WHERE case_id = %s", [case.pk]
        )
        (stored,) = cursor.fetchone()
    assert isinstance(stored, str) and json.loads(stored) == document


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's catalogue")
def test_the_column_is_text_compressed_with_lz4():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT format_type(atttypid, atttypmod), attcompression FROM pg_attribute "
            "WHERE attrelid = 'monitoring_caseevaluation'::regclass AND attname = 'evaluation'"
        )
        kind, compression = cursor.fetchone()
        cursor.execute(
            "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' "
            "AND 'lz4' = ANY(enumvals)"
        )
        has_lz4 = cursor.fetchone() is not None
    assert kind == "text"
    assert compression == ("l" if has_lz4 else "")


def test_the_field_reads_json_text_and_refuses_what_is_not():
    field = JSONTextField()
    assert field.to_python('{"a": [1, 2]}') == {"a": [1, 2]}
    assert field.to_python({"a": 1}) == {"a": 1}
    assert field.get_prep_value({"a": 1}) == '{"a": 1}'
    assert field.get_prep_value(None) is None
    with pytest.raises(ValidationError):
        field.to_python("{not json")
    form_field = field.formfield()
    assert form_field.clean('{"ready": true}') == {"ready": True}
    assert form_field.prepare_value({"ready": True}) == '{"ready": true}'
