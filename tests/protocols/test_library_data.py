"""The shipped library loaded from its data files equals the fixture dumped from the Python
definitions it replaced (tests/protocols/fixtures/shipped_library.json): nothing clinical moved."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from protocols import library

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "shipped_library.json").read_text())


@pytest.mark.parametrize("slug", [t["slug"] for t in FIXTURE["templates"]])
def test_each_template_is_what_it_was(slug):
    expected = next(t for t in FIXTURE["templates"] if t["slug"] == slug)
    assert json.loads(json.dumps(library.get_template(slug))) == expected


def test_the_templates_come_in_the_same_order():
    assert [t["slug"] for t in library.TEMPLATES] == [t["slug"] for t in FIXTURE["templates"]]


def test_citations_return_times_and_labels_are_what_they_were():
    assert library.CITATIONS == FIXTURE["citations"]
    assert list(library.CITATIONS) == list(FIXTURE["citations"])
    returns = {k: (list(v) if v else None) for k, v in library.TYPICAL_RETURN_DAYS.items()}
    assert returns == FIXTURE["typical_return_days"]
    assert library.SITE_LABELS == FIXTURE["site_labels"]
    assert library.CLINIC_PROTOCOL == FIXTURE["clinic_protocol"]
