"""Reading watch files (``monitoring.ingest.activity_parsers``): the committed fixtures
(``scripts/make_activity_fixtures.py``) read as the run they record, and anything else — random
bytes, a file cut anywhere, XML with a DTD or entities, an oversized file — is refused with a
sentence (``FileRejected``), never another exception. Pure: no database."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest

from monitoring.ingest import activity_parsers as parsers
from monitoring.ingest.activity_parsers import FileRejected, parse_activity
from monitoring.ingest.files import session_fields

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "activity"
START = dt.datetime(2026, 11, 20, 7, 30, tzinfo=dt.UTC)


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.mark.parametrize("name", ["run.fit", "run.gpx", "run.tcx"])
def test_each_format_reads_as_the_same_run(name):
    parsed = parse_activity(fixture(name), name)
    assert parsed.format == name.rsplit(".", 1)[1]
    assert parsed.started_at == START
    assert parsed.duration_s == 1800
    assert parsed.distance_m == pytest.approx(5000, rel=0.01)
    assert 130 <= parsed.avg_heart_rate <= 141 and parsed.max_heart_rate == 141
    assert parsed.cadence_spm == 170  # 85 strides a minute, counted as steps
    fields = session_fields(parsed)
    assert fields["activity"] == "run" and fields["minutes"] == 30
    assert fields["cadence"] == 170


def test_fit_running_dynamics_are_read():
    parsed = parse_activity(fixture("run.fit"), "run.fit")
    assert parsed.ground_contact_ms == 245
    assert parsed.vertical_oscillation_mm == 82
    assert parsed.steps == 5100
    fields = session_fields(parsed)
    assert (fields["ground_contact_ms"], fields["vertical_oscillation_mm"]) == (245, 82)


def test_the_format_is_told_by_content_not_by_name():
    assert parse_activity(fixture("run.gpx"), "export.fit").format == "gpx"
    with pytest.raises(FileRejected, match="does not look like a FIT file"):
        parse_activity(b"hello, not a watch file", "run.fit")
    with pytest.raises(FileRejected, match="FIT, GPX or TCX"):
        parse_activity(b"%PDF-1.7 ...", "scan.pdf")


def test_an_empty_or_oversized_file_is_refused(monkeypatch):
    with pytest.raises(FileRejected, match="empty"):
        parse_activity(b"", "run.fit")
    monkeypatch.setattr(parsers, "MAX_BYTES", 100)
    with pytest.raises(FileRejected, match="larger than"):
        parse_activity(fixture("run.fit"), "run.fit")


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE gpx [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<gpx version="1.1"><trk><name>&d;</name></trk></gpx>"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE TrainingCenterDatabase [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<TrainingCenterDatabase><Activities><Activity Sport="Running"><Id>&x;</Id>
</Activity></Activities></TrainingCenterDatabase>"""


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL], ids=["entity-bomb", "external"])
def test_xml_with_a_dtd_or_entities_is_refused_before_parsing(data):
    with pytest.raises(FileRejected, match="DTD or entities"):
        parse_activity(data, "evil.gpx")


def test_a_route_without_times_is_not_a_session():
    gpx = fixture("run.gpx").replace(b"<time>", b"<!--").replace(b"</time>", b"-->")
    with pytest.raises(FileRejected, match="no timed track points"):
        parse_activity(gpx, "route.gpx")


# --- fuzzing: whatever the bytes, a FileRejected or a session, never another exception -------


def _outcome(data: bytes, name: str) -> str:
    try:
        parse_activity(data, name)
    except FileRejected as exc:
        assert str(exc).endswith("."), exc  # a sentence for the sender
        return "refused"
    return "read"


@pytest.mark.parametrize("name", ["run.fit", "run.gpx", "run.tcx"])
def test_every_cut_of_a_real_file_is_refused_or_read(name):
    data = fixture(name)
    step = 1 if name.endswith(".fit") else 37
    outcomes = {_outcome(data[:cut], name) for cut in range(0, len(data), step)}
    assert "refused" in outcomes


def test_random_bytes_are_refused():
    rng = random.Random(27)
    heads = [b"", b"\x0e\x10\xd9\x07\x00\x00\x00\x00.FIT", b"<gpx>", b"<TrainingCenterDatabase>"]
    for _ in range(400):
        head = rng.choice(heads)
        data = head + rng.randbytes(rng.randrange(1, 600))
        assert _outcome(data, rng.choice(["a.fit", "a.gpx", "a.tcx", "a"])) == "refused"


def test_flipped_bytes_of_a_real_fit_file_are_refused_or_read():
    rng = random.Random(2027)
    data = bytearray(fixture("run.fit"))
    for _ in range(300):
        mutated = bytearray(data)
        for _ in range(rng.randrange(1, 5)):
            mutated[rng.randrange(len(mutated))] = rng.randrange(256)
        _outcome(bytes(mutated), "run.fit")  # the CRC refuses most; never a crash
