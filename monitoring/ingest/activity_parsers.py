"""Reading a watch's activity file (FIT, GPX or TCX) into one summary of the session.

Pure Python, no Django: the maintained parsers do the reading (``fitdecode`` for FIT, ``gpxpy``
for GPX, ``tcxreader`` for TCX); this module picks the format, refuses what it must not read
and sums the session up. Every refusal is a ``FileRejected`` carrying one sentence for the
person who sent the file; ``parse_activity`` never lets a parser's own exception through, so a
corrupt, truncated or hostile file is a 400 and never a 500 (``tests/monitoring/
test_activity_files.py`` feeds it random bytes and cut files).

XML (GPX and TCX) is first read by ``defusedxml`` with DTDs, entities and external references
forbidden: a file with a DOCTYPE (billion laughs, external entities) is refused before the
parsers, which use the standard library's ElementTree, ever see it.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from statistics import fmean

MAX_BYTES = 25 * 1024 * 1024
"""The largest file accepted: a long ultra in FIT with one-second records is ~5 MB, as GPX ~20."""

FORMATS = ("fit", "gpx", "tcx")


class FileRejected(ValueError):
    """A file that cannot become a session; its message is the sentence shown to the sender."""


@dataclass(frozen=True)
class ParsedActivity:
    """A session as a watch recorded it. Units: seconds, metres, beats and steps per minute,
    milliseconds (ground contact), millimetres (vertical oscillation)."""

    format: str
    started_at: dt.datetime  # aware, UTC
    duration_s: float
    sport: str = ""
    distance_m: float | None = None
    avg_heart_rate: float | None = None
    max_heart_rate: float | None = None
    cadence_spm: float | None = None
    ground_contact_ms: float | None = None
    vertical_oscillation_mm: float | None = None
    steps: int | None = None


def detect_format(data: bytes, name: str = "") -> str:
    """FIT by its header's ".FIT" signature; GPX and TCX by their root element."""
    if len(data) >= 12 and data[8:12] == b".FIT":
        return "fit"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<") and b"<gpx" in head:
        return "gpx"
    if head.startswith(b"<") and b"<trainingcenterdatabase" in head:
        return "tcx"
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix in FORMATS:
        raise FileRejected(
            f"This file does not look like a {suffix.upper()} file; it may be damaged."
        )
    raise FileRejected("Send a FIT, GPX or TCX file exported from your watch or app.")


def parse_activity(data: bytes, name: str = "") -> ParsedActivity:
    """The session in ``data``; a ``FileRejected`` with a sentence for anything else."""
    if not data:
        raise FileRejected("The file is empty.")
    if len(data) > MAX_BYTES:
        raise FileRejected(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    kind = detect_format(data, name)
    reader = {"fit": _read_fit, "gpx": _read_gpx, "tcx": _read_tcx}[kind]
    try:
        parsed = reader(data)
    except FileRejected:
        raise
    except Exception as exc:  # noqa: BLE001 (a parser's any error on hostile bytes is a 400)
        raise FileRejected(
            f"This {kind.upper()} file could not be read; it may be damaged or cut short."
        ) from exc
    return _checked(parsed)


def _checked(parsed: ParsedActivity) -> ParsedActivity:
    if parsed.started_at.tzinfo is None:
        raise FileRejected("The file's times carry no time zone.")
    if not 60 <= parsed.duration_s <= 600 * 60:
        raise FileRejected("A session from a file lasts from 1 minute to 10 hours.")
    if parsed.distance_m is not None and not 0 <= parsed.distance_m <= 1_000_000:
        raise FileRejected("The file's distance is out of range.")
    return parsed


def _mean(values: Iterable[float | int | None]) -> float | None:
    present = [float(v) for v in values if v is not None]
    return fmean(present) if present else None


def _max(values: Iterable[float | int | None]) -> float | None:
    present = [float(v) for v in values if v is not None]
    return max(present) if present else None


def _utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:  # GPX and TCX times without an offset are UTC by their schemas
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


# --- FIT ---------------------------------------------------------------------------------------


def _read_fit(data: bytes) -> ParsedActivity:
    import fitdecode

    session: dict = {}
    records: list[dict] = []
    with fitdecode.FitReader(
        io.BytesIO(data),
        check_crc=fitdecode.CrcCheck.RAISE,
        error_handling=fitdecode.ErrorHandling.RAISE,
    ) as fit:
        for frame in fit:
            if frame.frame_type != fitdecode.FIT_FRAME_DATA:
                continue
            values = {f.name: f.value for f in frame.fields}
            if frame.name == "session" and not session:
                session = values
            elif frame.name == "record":
                records.append(values)
    if session:
        return _fit_session(session, records)
    if len(records) >= 2:
        return _fit_records(records)
    raise FileRejected("The FIT file holds no activity (no session and no records).")


def _running(sport: str) -> bool:
    return sport in {"running", "walking", "hiking", "1", "11", "17"}


def _spm(cadence: float | None, fraction: float | None, sport: str) -> float | None:
    """FIT cadence is per minute of one foot for running (strides): doubled into steps."""
    if cadence is None:
        return None
    value = float(cadence) + float(fraction or 0)
    return value * 2 if _running(sport) else value


def _fit_session(s: dict, records: list[dict]) -> ParsedActivity:
    sport = str(s.get("sport") or "")
    start = s.get("start_time") or (records[0].get("timestamp") if records else None)
    if not isinstance(start, dt.datetime):
        raise FileRejected("The FIT file's session has no start time.")
    duration = s.get("total_timer_time") or s.get("total_elapsed_time") or 0
    strides = s.get("total_strides")
    return ParsedActivity(
        format="fit",
        started_at=_utc(start),
        duration_s=float(duration),
        sport=sport,
        distance_m=None if s.get("total_distance") is None else float(s["total_distance"]),
        avg_heart_rate=s.get("avg_heart_rate"),
        max_heart_rate=s.get("max_heart_rate"),
        cadence_spm=_spm(
            s.get("avg_running_cadence") or s.get("avg_cadence"),
            s.get("avg_fractional_cadence"),
            sport,
        ),
        ground_contact_ms=s.get("avg_stance_time") or _mean(r.get("stance_time") for r in records),
        vertical_oscillation_mm=s.get("avg_vertical_oscillation")
        or _mean(r.get("vertical_oscillation") for r in records),
        steps=None if strides is None else int(strides) * (2 if _running(sport) else 1),
    )


def _fit_records(records: list[dict]) -> ParsedActivity:
    times = [r["timestamp"] for r in records if isinstance(r.get("timestamp"), dt.datetime)]
    if len(times) < 2:
        raise FileRejected("The FIT file's records carry no times.")
    distances = [r.get("distance") for r in records if r.get("distance") is not None]
    return ParsedActivity(
        format="fit",
        started_at=_utc(min(times)),
        duration_s=(max(times) - min(times)).total_seconds(),
        distance_m=float(max(distances)) if distances else None,
        avg_heart_rate=_mean(r.get("heart_rate") for r in records),
        max_heart_rate=_max(r.get("heart_rate") for r in records),
        cadence_spm=_spm(_mean(r.get("cadence") for r in records), None, "running"),
        ground_contact_ms=_mean(r.get("stance_time") for r in records),
        vertical_oscillation_mm=_mean(r.get("vertical_oscillation") for r in records),
    )


# --- GPX and TCX -------------------------------------------------------------------------------


def _defused(data: bytes) -> None:
    """Refuse DTDs, entities and external references before any parser reads the XML."""
    from defusedxml import DefusedXmlException
    from defusedxml import ElementTree as SafeTree

    try:
        SafeTree.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise FileRejected(
            "The file declares a DTD or entities, which activity files never need; it was refused."
        ) from None
    except SafeTree.ParseError:
        raise FileRejected(
            "The file is not well-formed XML; it may be damaged or cut short."
        ) from None


def _read_gpx(data: bytes) -> ParsedActivity:
    import gpxpy

    _defused(data)
    gpx = gpxpy.parse(data.decode("utf-8", errors="strict"))
    points = [p for track in gpx.tracks for seg in track.segments for p in seg.points]
    times = [p.time for p in points if p.time is not None]
    if len(times) < 2:
        raise FileRejected("The GPX file has no timed track points: it is a route, not a session.")
    extensions = [_gpx_extensions(p) for p in points]
    return ParsedActivity(
        format="gpx",
        started_at=_utc(min(times)),
        duration_s=(max(times) - min(times)).total_seconds(),
        sport=str(gpx.tracks[0].type or "") if gpx.tracks else "",
        distance_m=gpx.length_3d() if gpx.has_elevations() else gpx.length_2d(),
        avg_heart_rate=_mean(e.get("hr") for e in extensions),
        max_heart_rate=_max(e.get("hr") for e in extensions),
        cadence_spm=_spm(_mean(e.get("cad") for e in extensions), None, "running"),
    )


def _gpx_extensions(point) -> dict[str, float]:
    """Garmin's TrackPointExtension (hr, cad) of a GPX point, by local name."""
    found: dict[str, float] = {}
    for ext in point.extensions:
        for child in ext.iter():
            name = child.tag.rsplit("}", 1)[-1]
            if name in {"hr", "cad"} and child.text:
                found[name] = float(child.text)
    return found


def _read_tcx(data: bytes) -> ParsedActivity:
    from tcxreader.tcxreader import TCXReader

    _defused(data)
    exercise = TCXReader().read(io.BytesIO(data), only_gps=False)
    if exercise.start_time is None or not exercise.trackpoints:
        raise FileRejected("The TCX file has no timed track points.")
    run_cadence = (exercise.tpx_ext_stats or {}).get("RunCadence") or {}
    cadence = run_cadence.get("avg")
    return ParsedActivity(
        format="tcx",
        started_at=_utc(exercise.start_time),
        duration_s=float(exercise.duration or 0),
        sport=str(exercise.activity_type or ""),
        distance_m=float(exercise.distance) if exercise.distance else None,
        avg_heart_rate=exercise.hr_avg,
        max_heart_rate=exercise.hr_max,
        # Garmin's RunCadence counts one foot's strides: doubled into steps per minute
        cadence_spm=float(cadence) * 2 if cadence is not None else exercise.cadence_avg,
    )
