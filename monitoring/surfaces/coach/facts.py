"""The facts of a case a coach page may show, every one through ``case_facts``.

Which facts a person may see is decided in one place,
``athletes.permissions.visible_case_fields``; ``case_facts`` fills a fact only when the viewer
may see it (a fact the viewer may not see stays None) and reads nothing from the database: the
reads are in ``monitoring.surfaces.coach.queries``.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.safestring import mark_safe

from athletes import permissions
from athletes.models import Athlete, Case, User
from monitoring.care.services.bone_hold import hold_active
from monitoring.models import Flag
from monitoring.surfaces.coach.queries import PlanInputs
from monitoring.surfaces.coach.restrictions import phase_words
from monitoring.surfaces.coach.status import (
    CoachFlag,
    Confidence,
    Light,
    PooledRange,
    pooled_range,
    return_confidence,
    status_light,
)
from protocols.engine import projection

SPARK_WEEKS = 4
"""The board's sparkline shows the weekly training load of this many weeks."""


@functools.lru_cache(maxsize=64)
def _day_month(day: dt.date) -> str:
    """``03 Nov``, escaped (every row of a board has the same weeks: strftime once each)."""
    return html.escape(f"{day:%d %b}")


def sparkline_svg(weeks: Sequence[tuple[dt.date, float]], *, width: int = 96, height: int = 28):
    """A small bar chart of weekly load, server-rendered (no script, no query), labelled for
    screen readers with the numbers it shows."""
    if not weeks:
        return ""
    top = max(v for _, v in weeks) or 1.0
    gap = 4
    bar = (width - gap * (len(weeks) - 1)) / len(weeks)
    bars = []
    # Built with f-strings (format_html per bar costs more than the rest of a board row): every
    # number is formatted here and every text is escaped.
    for i, (start, value) in enumerate(weeks):
        h = max(1.5, (value / top) * (height - 2)) if value else 1.5
        css = "spark-bar" if value else "spark-bar spark-empty"
        end = start + dt.timedelta(days=6)  # the weeks are the 7 days ending on the row's day
        title = f"{_day_month(start)} – {_day_month(end)}: {html.escape(f'{value:.0f}')} AU"
        bars.append(
            f'<rect x="{i * (bar + gap):.1f}" y="{height - h:.1f}" width="{bar:.1f}" '
            f'height="{h:.1f}" rx="1.5" class="{css}"><title>{title}</title></rect>'
        )
    summary = "Training load of each of the last {} periods of 7 days: {} AU".format(
        len(weeks), ", ".join(f"{v:.0f}" for _, v in weeks)
    )
    return mark_safe(  # noqa: S308 (every value above is a formatted number or escaped)
        f'<svg class="spark" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{html.escape(summary)}">{"".join(bars)}</svg>'
    )


@dataclass
class CaseFacts:
    """The facts of one case a coach page may show; a fact the viewer may not see stays None."""

    case_id: int
    visible: frozenset[str]
    athlete: str | None = None
    first_name: str = ""
    last_name: str = ""
    sport: str | None = None
    team_id: int | None = None
    team: str | None = None
    has_plan: bool = False
    phase: Any = None  # a PlanPhase (a PhaseRow on the board)
    phase_name: str | None = None
    phase_words: str | None = None
    phase_number: int | None = None
    phase_count: int | None = None
    day_in_phase: int | None = None
    light: Light | None = None
    flags: tuple[CoachFlag, ...] = ()
    last_log_on: dt.date | None = None
    last_log_days: int | None = None  # days since the last log (0: today)
    weeks: list[tuple[dt.date, float]] = field(default_factory=list)
    projection: projection.Projection | None = None
    earliest_return: dt.date | None = None
    typical_return: dt.date | None = None
    # The return waits for a medical-team decision (impact held after a bone-health screen):
    # the dates assume impact work progresses once it is taken. Never why.
    return_waits: bool = False
    pooled: PooledRange | None = None
    confidence: Confidence | None = None
    next_review: dt.date | None = None

    @property
    def this_week_load(self) -> float | None:
        return self.weeks[-1][1] if self.weeks else None

    @property
    def load_change_percent(self) -> float | None:
        if len(self.weeks) < 2 or not self.weeks[-2][1]:
            return None
        return (self.weeks[-1][1] - self.weeks[-2][1]) / self.weeks[-2][1] * 100

    @property
    def sparkline(self) -> str:
        return sparkline_svg(self.weeks)

    @property
    def phase_progress(self) -> str:
        if self.phase_number is None:
            return ""
        return f"Phase {self.phase_number} of {self.phase_count}"

    @property
    def under_review(self) -> bool:
        return any(f.kind == Flag.Kind.RED_FLAG for f in self.flags)

    def shows(self, name: str) -> bool:
        return name in self.visible


def case_facts(
    user: User,
    case: Case,
    *,
    today: dt.date,
    last_log_on: dt.date | None,
    weeks: Sequence[tuple[dt.date, float]],
    plan: PlanInputs | None,
    flags: Sequence[CoachFlag],
    keep_projection: bool = True,
) -> CaseFacts:
    """The coach facts of a case (its athlete and team loaded with it), its weekly training
    loads (``metrics.weekly_loads`` of the last ``SPARK_WEEKS``), its active plan and its open
    flags (most severe first); no query. Without ``keep_projection`` the phase-by-phase
    projection (the athlete view's ladder) is left out, the return dates kept."""
    facts = CaseFacts(case_id=case.pk, visible=permissions.visible_case_fields(user, case))
    fill_athlete(facts, case.athlete)
    facts.has_plan = plan is not None and plan.phase is not None
    if may_see(facts, "flag_kinds"):
        facts.flags = tuple(flags)
    if plan is not None and plan.phase is not None:
        fill_phase(facts, plan, today=today)
    if may_see(facts, "last_log_on"):
        facts.last_log_on = last_log_on
        facts.last_log_days = (today - last_log_on).days if last_log_on else None
    held = hold_active(case)  # impact waits for a medical-team decision (never why)
    if may_see(facts, "status_light"):
        facts.light = light_of(facts, plan, today=today, last_log_on=last_log_on, held=held)
    if may_see(facts, "training_load"):
        facts.weeks = list(weeks)
    if plan is not None:
        fill_projection(facts, plan, today=today, keep_projection=keep_projection, held=held)
    fill_confidence(facts, case)
    return facts


def may_see(facts: CaseFacts, name: str) -> bool:
    """Whether the viewer of ``facts`` may see the case field ``name`` (an unknown name is a
    mistake in the code: it fails loudly rather than hide or show a fact)."""
    if name not in permissions.ALL_CASE_FIELDS:
        raise ValueError(name)
    return name in facts.visible


def fill_athlete(facts: CaseFacts, athlete: Athlete) -> None:
    """The athlete's name, sport and team, each when the viewer may see it."""
    if may_see(facts, "athlete"):
        facts.athlete = athlete.full_name
        facts.first_name, facts.last_name = athlete.first_name, athlete.last_name
    if may_see(facts, "sport"):
        facts.sport = athlete.sport or (athlete.team.sport if athlete.team else "")
    if may_see(facts, "team"):
        facts.team_id = athlete.team_id
        facts.team = athlete.team.name if athlete.team else None


def fill_phase(facts: CaseFacts, plan: PlanInputs, *, today: dt.date) -> None:
    """The current phase: its name and words, and how far into the plan and the phase."""
    phase = plan.phase
    if may_see(facts, "phase"):
        facts.phase = phase
        facts.phase_name = phase.name
        facts.phase_words = phase_words(phase)
    if may_see(facts, "phase_progress"):
        facts.phase_number = next(i for i, p in enumerate(plan.phases, 1) if p.pk == phase.pk)
        facts.phase_count = len(plan.phases)
        if phase.started_on:
            facts.day_in_phase = (today - phase.started_on).days + 1


def light_of(
    facts: CaseFacts,
    plan: PlanInputs | None,
    *,
    today: dt.date,
    last_log_on: dt.date | None,
    held: bool = False,
) -> Light:
    """The status light of the case (from the flags the viewer may see)."""
    phase = plan.phase if plan else None
    return status_light(
        today=today,
        flags=facts.flags,
        step_backs=plan.step_backs if plan else (),
        has_plan=facts.has_plan,
        phase_started_on=phase.started_on if phase else None,
        typical_days=phase.typical_days if phase else None,
        last_log_on=last_log_on,
        missing_log_days=settings.REHAB_MISSING_LOG_DAYS,
        waits_for_decision=held,
    )


def fill_projection(
    facts: CaseFacts,
    plan: PlanInputs,
    *,
    today: dt.date,
    keep_projection: bool,
    held: bool = False,
) -> None:
    """The projected return and the current phase's review date; the phase-by-phase projection
    only when the viewer may see phase dates and ``keep_projection``."""
    if not (may_see(facts, "projected_return") or may_see(facts, "phase_dates")):
        return
    plan_projection = projection.project(plan.phases, today=today, start=plan.started_on)
    current = plan_projection.for_order(plan.phase.order)
    facts.next_review = current.typical_end if current else None
    if may_see(facts, "projected_return"):
        facts.earliest_return = plan_projection.earliest_return
        facts.typical_return = plan_projection.typical_return
        facts.return_waits = held
    if may_see(facts, "phase_dates") and keep_projection:
        facts.projection = plan_projection


def fill_confidence(facts: CaseFacts, case: Case) -> None:
    """The usual return range of the injury and how sure the projected return is."""
    if may_see(facts, "pooled_return_range"):
        facts.pooled = pooled_range(case.site, case.diagnosed_on)
    if may_see(facts, "return_confidence") and facts.light is not None:
        facts.confidence = return_confidence(
            light=facts.light,
            has_plan=facts.has_plan,
            typical_return=facts.typical_return,
            pooled=facts.pooled,
        )
