"""The case page's test batteries: each test's left and right values and limb symmetry index by
date (a table, and a chart of the indexes), for the viewers who may read test results.

Two queries whatever the number of batteries: the batteries, and their results.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from athletes import permissions
from athletes.models import Case
from monitoring.charts_symmetry import symmetry_chart
from monitoring.evaluation.batteries import TestTrend, case_batteries, trends
from monitoring.ingest.batteries import involved_side_of
from monitoring.surfaces.clinic.battery_forms import BatteryForm
from protocols.engine.battery import DEFAULT_MIN_LSI, LSI_SOURCE


@dataclass
class BatteryPanel:
    trends: list[TestTrend] = field(default_factory=list)
    count: int = 0
    latest_on: object = None
    chart: str = ""
    min_lsi: int = DEFAULT_MIN_LSI
    source: str = LSI_SOURCE


def battery_panel(user, case: Case, *, with_chart: bool = True) -> BatteryPanel | None:
    """The panel, or None for a viewer who may not read test results (a coach)."""
    if not permissions.can_view_batteries(user, case):
        return None
    batteries = list(case_batteries(case.pk))
    panel = BatteryPanel(count=len(batteries))
    if batteries:
        panel.latest_on = batteries[0].date
        panel.trends = trends(batteries)
        if with_chart and any(p.lsi is not None for t in panel.trends for p in t.points):
            panel.chart = symmetry_chart(panel.trends)
    return panel


def battery_context(user, case: Case, today, forms: dict) -> dict:
    """The case page's battery panel and, for those who record batteries, its form (a bound
    one when a submission failed)."""
    context: dict = {"battery_panel": battery_panel(user, case)}
    if permissions.can_record_battery(user, case):
        context["battery_form"] = forms.get("battery") or BatteryForm(
            today=today, side_from_case=involved_side_of(case)
        )
    return context
