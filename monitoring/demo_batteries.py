"""The demo's test batteries: the first demo athlete (Maya Patel, left tibia) tested twice a
few weeks apart, her symmetry improving (hops, calf raises, the dynamometer, Y-balance), one
test incomplete the first time. Both sittings fall before her current phase began, so the
demo's evaluations are those without them (``tests/monitoring/test_demo.py`` counts)."""

from __future__ import annotations

import datetime as dt

from athletes.models import Case, User
from monitoring.models import BatteryResult, TestBattery

# (days before today, [(test, muscle group, unit, left, right, pain)]); left is involved.
SITTINGS = [
    (
        33,
        [
            ("hop_distance", "", "cm", 98, 131, 2),
            ("triple_hop", "", "cm", 330, 420, 2),
            ("hops_to_pain", "", "count", 12, 40, 3),
            ("calf_raises", "", "count", 18, 27, 1),
            ("isometric_strength", "plantarflexors", "N", 905, 1150, 1),
            ("isometric_strength", "knee_extensors", "N", 560, None, 0),  # right not tested
            ("y_balance_anterior", "", "cm", 58, 64, 0),
            ("y_balance_posteromedial", "", "cm", 92, 101, 0),
            ("y_balance_posterolateral", "", "cm", 88, 97, 0),
        ],
    ),
    (
        12,
        [
            ("hop_distance", "", "cm", 121, 133, 0),
            ("triple_hop", "", "cm", 392, 425, 1),
            ("hops_to_pain", "", "count", 28, 40, 1),
            ("calf_raises", "", "count", 25, 28, 0),
            ("isometric_strength", "plantarflexors", "N", 1085, 1160, 0),
            ("isometric_strength", "knee_extensors", "N", 655, 690, 0),
            ("y_balance_anterior", "", "cm", 62, 65, 0),
            ("y_balance_posteromedial", "", "cm", 99, 102, 0),
            ("y_balance_posterolateral", "", "cm", 95, 98, 0),
        ],
    ),
]


def seed_batteries(case_ids: list[int], users: dict[str, User], today: dt.date) -> None:
    """Two batteries on the first demo case with a left or right side; none when it has some."""
    case = Case.objects.filter(pk__in=case_ids, side__in=["left", "right"]).order_by("pk").first()
    if case is None or TestBattery.objects.filter(case=case).exists():
        return
    for days, rows in SITTINGS:
        battery = TestBattery.objects.create(
            case=case,
            date=today - dt.timedelta(days=days),
            involved_side=case.side,
            limb_length_left_cm=89,
            limb_length_right_cm=89.5,
            assessed_by=users["physio"],
            notes="Demo test battery.",
        )
        BatteryResult.objects.bulk_create(
            BatteryResult(
                battery=battery, test=test, muscle_group=group, unit=unit,
                left=left, right=right, pain=pain,
            )
            for test, group, unit, left, right, pain in rows
        )  # fmt: skip
