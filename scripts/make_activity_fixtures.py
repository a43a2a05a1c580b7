"""Write the small activity files the tests upload: tests/fixtures/activity/run.fit, run.gpx and
run.tcx, one 30-minute easy run of 5 km recorded three ways (the same run, so the tests can
compare what each format yields).

The FIT file is encoded with ``fit_tool`` (Stages' FIT SDK port, ``pip install fit-tool``: only
this script needs it), with a session message carrying running dynamics (cadence, stance time,
vertical oscillation) and one record every minute; GPX and TCX are written as the XML Garmin
Connect exports. Run: ``python scripts/make_activity_fixtures.py``; the output is deterministic.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "activity"
START = dt.datetime(2026, 11, 20, 7, 30, tzinfo=dt.UTC)
MINUTES = 30
METRES = 5000.0
LAT, LON = 51.5007, -0.1246


def _point(minute: int) -> tuple[dt.datetime, float, int, float, float]:
    """Time, distance (m), heart rate, latitude, longitude at a minute of the run."""
    when = START + dt.timedelta(minutes=minute)
    distance = METRES * minute / MINUTES
    heart_rate = 130 + minute % 12
    return when, distance, heart_rate, LAT + minute * 0.0015, LON


def write_fit(path: Path) -> None:
    from fit_tool.fit_file_builder import FitFileBuilder
    from fit_tool.profile.messages.file_id_message import FileIdMessage
    from fit_tool.profile.messages.record_message import RecordMessage
    from fit_tool.profile.messages.session_message import SessionMessage
    from fit_tool.profile.profile_type import FileType, Manufacturer, Sport

    def ms(moment: dt.datetime) -> int:  # fit_tool takes Unix milliseconds
        return round(moment.timestamp() * 1000)

    builder = FitFileBuilder(auto_define=True, min_string_size=50)
    file_id = FileIdMessage()
    file_id.type = FileType.ACTIVITY
    file_id.manufacturer = Manufacturer.DEVELOPMENT.value
    file_id.product = 0
    file_id.time_created = ms(START)
    file_id.serial_number = 0x12345678
    builder.add(file_id)
    for minute in range(MINUTES + 1):
        when, distance, heart_rate, _, _ = _point(minute)
        record = RecordMessage()
        record.timestamp = ms(when)
        record.distance = distance
        record.heart_rate = heart_rate
        record.cadence = 85
        record.stance_time = 245.0
        record.vertical_oscillation = 82.0
        builder.add(record)
    session = SessionMessage()
    session.timestamp = ms(START + dt.timedelta(minutes=MINUTES))
    session.start_time = ms(START)
    session.sport = Sport.RUNNING
    session.total_elapsed_time = MINUTES * 60.0
    session.total_timer_time = MINUTES * 60.0
    session.total_distance = METRES
    session.avg_heart_rate = 136
    session.max_heart_rate = 141
    session.avg_cadence = 85  # strides per minute: 170 steps per minute
    session.avg_stance_time = 245.0
    session.avg_vertical_oscillation = 82.0
    session.total_strides = 2550
    builder.add(session)
    builder.build().to_file(str(path))


def write_gpx(path: Path) -> None:
    points = []
    for minute in range(MINUTES + 1):
        when, _, heart_rate, lat, lon = _point(minute)
        points.append(
            f'      <trkpt lat="{lat:.6f}" lon="{lon:.6f}"><ele>12.0</ele>'
            f"<time>{when:%Y-%m-%dT%H:%M:%SZ}</time><extensions><gpxtpx:TrackPointExtension>"
            f"<gpxtpx:hr>{heart_rate}</gpxtpx:hr><gpxtpx:cad>85</gpxtpx:cad>"
            "</gpxtpx:TrackPointExtension></extensions></trkpt>"
        )
    body = "\n".join(points)
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="rehab fixtures" xmlns="http://www.topografix.com/GPX/1/1" '
        'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">\n'
        f"  <trk><name>Easy run</name><type>running</type><trkseg>\n{body}\n"
        "  </trkseg></trk>\n</gpx>\n",
        encoding="utf-8",
    )


def write_tcx(path: Path) -> None:
    points = []
    for minute in range(MINUTES + 1):
        when, distance, heart_rate, lat, lon = _point(minute)
        points.append(
            f"<Trackpoint><Time>{when:%Y-%m-%dT%H:%M:%S.000Z}</Time>"
            f"<Position><LatitudeDegrees>{lat:.6f}</LatitudeDegrees>"
            f"<LongitudeDegrees>{lon:.6f}</LongitudeDegrees></Position>"
            f"<AltitudeMeters>12.0</AltitudeMeters><DistanceMeters>{distance:.1f}</DistanceMeters>"
            f"<HeartRateBpm><Value>{heart_rate}</Value></HeartRateBpm>"
            "<Extensions><ns3:TPX><ns3:RunCadence>85</ns3:RunCadence></ns3:TPX></Extensions>"
            "</Trackpoint>"
        )
    body = "\n".join(points)
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"'
        ' xmlns:ns3="http://www.garmin.com/xmlschemas/ActivityExtension/v2">\n'
        f'<Activities><Activity Sport="Running"><Id>{START:%Y-%m-%dT%H:%M:%S.000Z}</Id>\n'
        f'<Lap StartTime="{START:%Y-%m-%dT%H:%M:%S.000Z}"><TotalTimeSeconds>{MINUTES * 60}.0'
        f"</TotalTimeSeconds><DistanceMeters>{METRES:.1f}</DistanceMeters><Calories>350"
        "</Calories><Intensity>Active</Intensity><TriggerMethod>Manual</TriggerMethod>\n"
        f"<Track>\n{body}\n</Track></Lap></Activity></Activities>\n"
        "</TrainingCenterDatabase>\n",
        encoding="utf-8",
    )


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    write_fit(OUT / "run.fit")
    write_gpx(OUT / "run.gpx")
    write_tcx(OUT / "run.tcx")
    for name in ("run.fit", "run.gpx", "run.tcx"):
        print(OUT / name, (OUT / name).stat().st_size, "bytes")


if __name__ == "__main__":
    main()
