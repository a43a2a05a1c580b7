"""Every 400 of the API carries its messages by field, flat, as the schema documents them
(``errors``: field -> list of messages): a list field's bad item under ``field.<index>``."""

from __future__ import annotations

from rehab.errors import flat_errors


def test_messages_by_field_stay_as_they_are():
    errors = {"pain_rest": ["Ensure this value is less than or equal to 10."]}
    assert flat_errors(errors) == errors


def test_a_list_fields_bad_item_is_named_by_its_index():
    errors = {
        "menses": ["A valid integer is required."],
        "reds_indicators": {6: ['"__not_in_enum__" is not a valid choice.']},
    }
    assert flat_errors(errors) == {
        "menses": ["A valid integer is required."],
        "reds_indicators.6": ['"__not_in_enum__" is not a valid choice.'],
    }


def test_nested_objects_and_lists_of_objects_are_flattened():
    errors = {"items": [{}, {"date": ["Bad date."]}], "meta": {"source": ["Unknown."]}}
    assert flat_errors(errors) == {"items.1.date": ["Bad date."], "meta.source": ["Unknown."]}


def test_errors_without_a_field_are_non_field_errors():
    assert flat_errors(["Nothing to do."]) == {"non_field_errors": ["Nothing to do."]}
    assert flat_errors("Nothing to do.") == {"non_field_errors": ["Nothing to do."]}
