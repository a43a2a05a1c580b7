"""What the clinical team reads about a case's bone health on one page: the athlete's age
(adolescents), the calcium reference, the latest screens, the hold on impact and its decision,
the cycle log's summary (with consent), and the Triad items the recorded facts already answer.

Reads only; the suggestions are pre-filled answers a clinician confirms, never a score."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from athletes import permissions
from athletes.models import Case
from athletes.sites import PHYSIS_NEAR_SITES, TRABECULAR_SITES
from monitoring.care import growth
from monitoring.care.cycle import CycleSummary, cycle_summary
from monitoring.care.services.bone_hold import hold_active
from monitoring.models import Assessment
from protocols.engine.criteria.case_facts import SCREEN_TESTS


@dataclass
class BoneHealthStatus:
    case: Case
    today: dt.date
    age: int | None
    under_18: bool
    calcium: str
    held: bool
    latest: list[Assessment] = field(default_factory=list)
    cycle: CycleSummary | None = None
    suggestions: dict[str, tuple[int, str]] = field(default_factory=dict)

    @property
    def growth_plate_note(self) -> bool:
        return growth_plate_note_applies(self.case, self.today)


def growth_plate_note_applies(case: Case, today: dt.date) -> bool:
    """An athlete under 18 whose injury is at a site near a growth plate (physis)."""
    return growth.is_under_18(case.athlete.date_of_birth, today) and case.site in PHYSIS_NEAR_SITES


def triad_suggestions(case: Case, cycle: CycleSummary | None) -> dict[str, tuple[int, str]]:
    """Triad items (points, where from) the case's recorded facts answer: the stress-injury
    item from this case and the prior BSIs (a trabecular site scores 2 by itself), the menses
    item from a full year of the athlete's cycle log."""
    out: dict[str, tuple[int, str]] = {}
    if case.site in TRABECULAR_SITES:
        out["bsi"] = (2, "this injury is at a trabecular site")
    else:
        injuries = 1 + (case.prior_bsi_count or 0)
        out["bsi"] = (
            2 if injuries >= 2 else 1,
            f"this injury and {case.prior_bsi_count or 0} prior recorded on the case",
        )
    if cycle is not None and cycle.menses_points is not None:
        out["menses"] = (cycle.menses_points, f"the athlete's cycle log: {cycle.text}")
    return out


def visible_screens(user, case: Case, screens: list[Assessment]) -> list[Assessment]:
    """The screens ``user`` may read (a nutritionist reads their own assessments only)."""
    return [
        a
        for a in screens
        if permissions.can_view_assessment(user, case, assessed_by_id=a.assessed_by_id)
    ]


def bone_health_status(case: Case, today: dt.date) -> BoneHealthStatus:
    athlete = case.athlete
    age = growth.age_on(athlete.date_of_birth, today)
    cycle = cycle_summary(athlete, today)
    latest = list(
        Assessment.objects.filter(case=case, test__in=sorted(SCREEN_TESTS))
        .select_related("assessed_by")
        .order_by("-date", "-id")[:4]
    )
    return BoneHealthStatus(
        case=case,
        today=today,
        age=age,
        under_18=age is not None and age < growth.ADULT_AGE,
        calcium=growth.calcium_text(age),
        held=hold_active(case),
        latest=latest,
        cycle=cycle,
        suggestions=triad_suggestions(case, cycle),
    )
