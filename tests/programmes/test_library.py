"""The shipped run-walk programmes are data (protocols/library/data/programmes.yaml), validated
when loaded, installed by `manage.py install_programmes` and, for a new database, by migration
0011 from its frozen copy."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

from protocols.library.loader import DATA, LibraryError, load_programmes
from protocols.models import RunProgramme

MIGRATIONS = Path(__file__).resolve().parents[2] / "protocols" / "migrations"


def test_the_frozen_copy_is_the_library_of_its_versions():
    frozen = json.loads((MIGRATIONS / "shipped_programmes_0011.json").read_text())
    current = {(p["slug"], p["version"]): p for p in load_programmes()}
    for item in frozen:  # a later version is a new entry, never an edit of this one
        if (item["slug"], item["version"]) in current:
            assert current[(item["slug"], item["version"])] == item


def test_every_value_has_its_basis_and_values_without_evidence_say_so():
    for p in load_programmes():
        basis = p["data"]["basis"]
        assert {"stages", "rest_days", "sessions", "pain_limit", "step_down"} <= set(basis)
        assert p["data"]["citations"]
    gg = next(p for p in load_programmes() if p["slug"] == "gallatin-graver2019")
    assert "Clinic protocol" in gg["data"]["basis"]["pain_limit"]


def test_a_bad_programme_file_is_refused_naming_the_item(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    items = yaml.safe_load((data / "programmes.yaml").read_text())
    items[0]["stages"][0]["repeats"] = 0
    (data / "programmes.yaml").write_text(yaml.safe_dump(items))
    with pytest.raises(LibraryError, match=r"item 1 \(ouh2024\).*stages.0.repeats"):
        load_programmes(data)


@pytest.mark.django_db
def test_the_command_installs_what_is_missing_once():
    RunProgramme.objects.all().delete()
    out = io.StringIO()
    call_command("install_programmes", stdout=out)
    assert "2 shipped" in out.getvalue()
    call_command("install_programmes", stdout=out)
    assert "0 shipped" in out.getvalue()
    assert RunProgramme.objects.filter(default=True).count() == 1
