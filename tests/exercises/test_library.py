"""The shipped exercise library: validated when loaded (a bad file is refused with a message
naming the item), installed by a command and a data migration, each exercise with a diagram
that ships with the app."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

from protocols.library import LibraryError
from protocols.library import exercises as library
from protocols.models import Exercise

STATIC = Path(library.STATIC)


def test_the_library_ships_about_twenty_exercises_of_every_kind():
    assert 15 <= len(library.EXERCISES) <= 21
    assert {e.trains for e in library.EXERCISES} == set(library.TRAINS)
    for exercise in library.EXERCISES:
        assert 3 <= len(exercise.steps) <= 5
        assert exercise.cues and exercise.alt
        assert (exercise.reps is None) != (exercise.seconds is None)


@pytest.mark.parametrize("exercise", library.EXERCISES, ids=lambda e: e.key)
def test_each_diagram_is_a_local_svg_with_a_title_and_nothing_fetched(exercise):
    svg = (STATIC / exercise.diagram).read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "<title" in svg
    assert not re.search(r"(href|src)\s*=|https?://(?!www\.w3\.org/2000/svg)", svg)


def _copy(tmp_path: Path, change) -> Path:
    data = yaml.safe_load(library.PATH.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "exercises.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def _first(data):
    return data["exercises"][0]


BAD = {
    "both reps and seconds": (
        lambda d: _first(d)["dose"].update(seconds=30),
        "either reps or seconds",
    ),
    "negative sets": (lambda d: _first(d)["dose"].update(sets=-1), "sets is a whole number"),
    "two steps": (lambda d: _first(d).update(steps=["One.", "Two."]), "steps is a list of 3"),
    "unknown impact": (lambda d: _first(d).update(impact="huge"), "impact is one of"),
    "unknown field": (lambda d: _first(d).update(colour="red"), "exactly the fields"),
    "missing diagram": (
        lambda d: _first(d).update(key="no-such-drawing"),
        "diagram static/exercises/no-such-drawing.svg is missing",
    ),
    "unknown default": (
        lambda d: d["defaults"]["low"].append({"exercise": "moonwalk", "per_week": 2}),
        "unknown exercise 'moonwalk'",
    ),
    "hops in an offloaded phase": (
        lambda d: d["defaults"]["offloaded"].append({"exercise": "pogo-hops", "per_week": 2}),
        "pogo-hops is more impact than none",
    ),
}


@pytest.mark.parametrize("name", BAD)
def test_a_bad_file_is_refused_with_a_message_naming_the_item(tmp_path, name):
    change, message = BAD[name]
    path = _copy(tmp_path, change)
    with pytest.raises(LibraryError, match=re.escape(message)) as caught:
        library.load(path)
    assert "exercises.yaml" in str(caught.value)


def test_the_shipped_file_loads(tmp_path):
    shutil.copy(library.PATH, tmp_path / "exercises.yaml")
    exercises, defaults = library.load(tmp_path / "exercises.yaml")
    assert [e.key for e in exercises] == [e.key for e in library.EXERCISES]
    assert set(defaults) == {"offloaded", "none", "low", "moderate", "high"}


@pytest.mark.django_db
def test_the_migration_installed_the_library_and_the_command_is_idempotent():
    assert Exercise.objects.filter(shipped=True).count() == len(library.EXERCISES)
    Exercise.objects.filter(key="plank").update(name="Old name")
    call_command("install_exercises", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("install_exercises", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Exercise.objects.filter(shipped=True).count() == len(library.EXERCISES)
    assert Exercise.objects.get(key="plank").name == "Front plank"


def test_default_key_follows_weight_bearing_then_impact_and_order():
    key = library.default_key
    assert key(weight_bearing="nwb", crutches=True, impact="none", order=1) == "offloaded"
    assert key(weight_bearing="fwb", crutches=True, impact="low", order=2) == "offloaded"
    assert key(weight_bearing="fwb", crutches=False, impact="low", order=1) == "none"
    assert key(weight_bearing="fwb", crutches=False, impact="high", order=6) == "high"
