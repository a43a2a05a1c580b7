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
    item from the periods recorded on the case and a full year of the athlete's cycle log, and
    the energy item from a recorded eating history (at least 1)."""
    out: dict[str, tuple[int, str]] = {}
    if case.site in TRABECULAR_SITES:
        out["bsi"] = (2, "this injury is at a trabecular site")
    else:
        injuries = 1 + (case.prior_bsi_count or 0)
        out["bsi"] = (
            2 if injuries >= 2 else 1,
            f"this injury and {case.prior_bsi_count or 0} prior recorded on the case",
        )
    menses = _menses_suggestion(case, cycle)
    if menses is not None:
        out["menses"] = menses
    if case.eating_history in {"disordered", "disorder"}:
        out["energy"] = (
            1,
            f"the eating history recorded on the case ({case.get_eating_history_display()}); "
            "2 if the athlete meets the criteria of an eating disorder now",
        )
    return out


def _menses_suggestion(case: Case, cycle: CycleSummary | None) -> tuple[int, str] | None:
    """The menses item from the periods recorded on the case and from a full year of the
    athlete's cycle log. Where both answer and disagree, the higher-risk one is suggested and
    both are named: the reviewer asks which is right."""
    if case.athlete.sex != "female":
        return None
    found: list[tuple[int, str]] = []
    recorded = case.periods_last_12_months
    if recorded is not None:
        found.append(
            (growth.menses_points(recorded), f"the case's record: {recorded} periods in 12 months")
        )
    if cycle is not None and cycle.menses_points is not None:
        found.append((cycle.menses_points, f"the athlete's cycle log: {cycle.text}"))
    if not found:
        return None
    points = max(p for p, _ in found)
    if len({p for p, _ in found}) > 1:
        return points, " and ".join(w for _, w in found) + " — they disagree; ask the athlete"
    return points, " and ".join(w for _, w in found)


@dataclass(frozen=True)
class ScreenRow:
    """A recorded screen as the page lists it: a plain title and, for a REDs screen, its light
    (green, yellow, orange, red; "incomplete"; "positive" for a screen recorded without one)."""

    assessment: Assessment
    title: str
    light: str = ""


_LIGHT_OF_LEVEL = ("green", "yellow", "orange", "red")


def screen_row(a: Assessment) -> ScreenRow:
    if a.test == "reds_screen":
        level = int(a.value)
        legacy = not a.answers  # recorded as positive or negative, without the CAT2 items
        light = ("green" if level == 0 else "positive") if legacy else _LIGHT_OF_LEVEL[level]
        return ScreenRow(a, "REDs screen (IOC REDs CAT2)", light)
    if a.test == "reds_incomplete":
        return ScreenRow(a, "REDs screen, incomplete: not a clearance", "incomplete")
    if a.test == "bone_health_cra":
        return ScreenRow(a, f"Triad cumulative risk score {a.value:g}")
    if a.test == "triad_incomplete":
        return ScreenRow(a, "Triad cumulative risk score, incomplete: not a clearance")
    return ScreenRow(a, a.get_test_display())


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
