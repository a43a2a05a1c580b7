"""The shipped library loaded from its data files equals the fixture dumped from the Python
definitions it replaced (tests/protocols/fixtures/shipped_library.json): nothing clinical moved."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from protocols import library
from protocols.library import loader

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


# --- the loader refuses invalid files, naming the file and the item ------------------------------


def _copy_data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(loader.DATA, data)
    return data


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_an_invalid_criterion_names_the_file_phase_and_item(tmp_path):
    data = _copy_data(tmp_path)
    _edit(data / "templates" / "05-navicular.yaml", "kind: no_night_pain", "kind: no_such_kind")
    with pytest.raises(loader.LibraryError, match=r"05-navicular\.yaml, phase \d+ \(.+\), "):
        loader.load(data)


def test_an_out_of_range_parameter_is_refused(tmp_path):
    data = _copy_data(tmp_path)
    _edit(data / "blocks.yaml", "above: 2", "above: 42")
    with pytest.raises(loader.LibraryError, match="regress_when"):
        loader.load(data)


def test_an_unknown_block_or_citation_is_refused(tmp_path):
    data = _copy_data(tmp_path)
    _edit(data / "templates" / "01-tibia-low-risk.yaml", "'@regress_low'", "'@regress_lo'")
    with pytest.raises(loader.LibraryError, match="01-tibia-low-risk.yaml.*'@regress_lo'"):
        loader.load(data)
    data = _copy_data(tmp_path / "b")
    _edit(data / "templates" / "01-tibia-low-risk.yaml", "- hoenig2023", "- hoenig2099")
    with pytest.raises(loader.LibraryError, match="unknown citation keys.*hoenig2099"):
        loader.load(data)


def test_the_library_blocks_are_shared_not_copied():
    """No phase, prescription line, goal or note fragment is written out twice in the files."""
    blocks = loader.read(loader.DATA / "blocks.yaml")
    phases = list(blocks["phases"].values())
    for path in (loader.DATA / "templates").glob("*.yaml"):
        phases += [p for p in loader.read(path)["phases"] if isinstance(p, dict)]
    written = Counter(json.dumps(p, sort_keys=True) for p in phases)
    for phase in phases:
        written.update(json.dumps(r, sort_keys=True) for r in phase["prescriptions"])
        written[phase["goal"]] += 1
        notes = phase["notes"] if isinstance(phase["notes"], list) else [phase["notes"]]
        written.update(n for n in notes if len(n) > 3)
    copies = [k for k, n in written.items() if n > 1 and not k.startswith(('"@', "@"))]
    assert not copies, copies[:3]
