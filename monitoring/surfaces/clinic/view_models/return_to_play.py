"""What the case page shows of the return-to-play decision (StARRT) and of psychological
readiness: the form prefilled with what the system knows, the recorded decision, the TSK-11 and
I-PRRS trend, and the suggestion to involve the psychologist. A constant number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max

from athletes import permissions
from athletes.models import Case, User
from monitoring import charts
from monitoring.care import readiness_rules as rules
from monitoring.care.services.readiness import clinic_psychologists
from monitoring.models import ActivitySession, Assessment, DailyLog, ReadinessQuestionnaire
from monitoring.schema import FHIR_PAIN_CONTEXTS
from monitoring.surfaces.clinic.return_forms import ReadinessForm, ReturnDecisionForm
from protocols import services as plan_services
from protocols.models import ReturnDecision

PAIN_WINDOW_DAYS = 14
FUNCTION_TESTS = ("single_leg_hop", "heel_raise", "strength_symmetry", "walk_test")
DEFAULT_TSK11_THRESHOLD = 37  # clinic protocol (athletes.models.Clinic)


def _latest(case: Case, tests) -> dict[str, Assessment]:
    latest: dict[str, Assessment] = {}
    for a in Assessment.objects.filter(case=case, test__in=tests).order_by("-date", "-id"):
        latest.setdefault(a.test, a)
    return latest


def _pain_trend(case: Case, today: dt.date) -> str:
    """The last 14 days' pain, as the maximum of each context over the logs and sessions (a
    session's pain counts as the day's, clinical.md §11), with the days logged."""
    since = today - dt.timedelta(days=PAIN_WINDOW_DAYS - 1)
    logs = DailyLog.objects.filter(athlete=case.athlete, date__gte=since, date__lte=today)
    peaks = logs.aggregate(days=Max("date"), **{f: Max(f) for f in FHIR_PAIN_CONTEXTS})
    logged = logs.count()
    session_peak = ActivitySession.objects.filter(
        athlete=case.athlete, date__gte=since, date__lte=today
    ).aggregate(p=Max("pain_during"))["p"]
    if not logged and session_peak is None:
        return f"No pain logged in the last {PAIN_WINDOW_DAYS} days (unknown, not pain-free)."
    parts = []
    for name, label in FHIR_PAIN_CONTEXTS.items():
        value = peaks.get(name)
        if name == "pain_during" and session_peak is not None:
            value = max(value or 0, session_peak)
        if value is not None:
            parts.append(f"{label.lower()} at most {value}/10")
    return (
        f"Last {PAIN_WINDOW_DAYS} days ({logged} of {PAIN_WINDOW_DAYS} logged): "
        + ("; ".join(parts) or "no pain rating")
        + "."
    )


def _said(a: Assessment | None, empty: str) -> str:
    if a is None:
        return empty
    return f"{a.get_test_display()}: {a.value:g} ({a.date:%-d %b %Y})"


def prefill(case: Case, today: dt.date) -> dict[str, Any]:
    """Initial values of the StARRT form: the latest tests, the pain trend, the sport, the
    latest readiness scores. The clinician checks and completes them."""
    latest = _latest(
        case, [*FUNCTION_TESTS, "tenderness", "imaging_healing", rules.TSK11, rules.IPRRS]
    )
    tender = latest.get("tenderness")
    imaging = latest.get("imaging_healing")
    tests = [_said(latest[t], "") for t in FUNCTION_TESTS if t in latest]
    fear = [_said(latest[t], "") for t in (rules.TSK11, rules.IPRRS) if t in latest]
    initial: dict[str, Any] = {
        "symptoms": _pain_trend(case, today),
        "tenderness": (
            "Not recorded."
            if tender is None
            else f"{'Tender' if tender.value else 'No bony tenderness'} ({tender.date:%-d %b %Y})."
        ),
        "imaging": "" if imaging is None else _said(imaging, ""),
        "function_tests": "; ".join(tests),
        "sport": case.athlete.sport,
        "fear": "; ".join(fear),
        "cleared_from": today,
    }
    return initial


@dataclass
class ReadinessPanel:
    rows: list[Assessment] = field(default_factory=list)
    incomplete: list[ReadinessQuestionnaire] = field(default_factory=list)
    latest_tsk: Assessment | None = None
    threshold: int = DEFAULT_TSK11_THRESHOLD
    suggest: bool = False
    psychologists: list[User] = field(default_factory=list)
    on_team: list[User] = field(default_factory=list)
    chart: str = ""
    can_involve: bool = False


def _chart(rows: list[Assessment]) -> str:
    traces = []
    for code, name, axis, colour in (
        (rules.TSK11, "TSK-11 (11–44, higher = more fear)", "y", "#b42318"),
        (rules.IPRRS, "I-PRRS (0–60, higher = more confident)", "y2", "#0b6e69"),
    ):
        points = sorted((a.date, a.value) for a in rows if a.test == code)
        if points:
            traces.append(
                {
                    "name": name,
                    "x": [d.isoformat() for d, _ in points],
                    "y": [v for _, v in points],
                    "yaxis": axis,
                    "mode": "lines+markers",
                    "line": {"color": colour, "width": 2},
                    "type": "scatter",
                }
            )
    if not traces:
        return ""
    return charts.styled_chart(
        traces,
        title="Psychological readiness",
        yaxis_title="TSK-11",
        layout={
            "yaxis": {"range": [11, 44]},
            "yaxis2": {"range": [0, 60], "overlaying": "y", "side": "right", "title": "I-PRRS"},
        },
    )


def readiness_panel(user: User, case: Case, *, with_chart: bool = True) -> ReadinessPanel | None:
    """The trend and the suggestion, for those who read the questionnaires; None otherwise."""
    if not permissions.can_view_readiness(user, case):
        return None
    tests = [rules.TSK11, rules.IPRRS]
    rows = list(
        Assessment.objects.filter(case=case, test__in=tests)
        .select_related("questionnaire")
        .order_by("date", "id")
    )
    incomplete = list(
        ReadinessQuestionnaire.objects.filter(case=case, total__isnull=True).order_by("-date")[:5]
    )
    clinic = case.athlete.clinic
    threshold = clinic.tsk11_psychology_threshold if clinic else DEFAULT_TSK11_THRESHOLD
    tsk = [a for a in rows if a.test == rules.TSK11]
    panel = ReadinessPanel(
        rows=rows,
        incomplete=incomplete,
        latest_tsk=tsk[-1] if tsk else None,
        threshold=threshold,
        chart=_chart(rows) if with_chart else "",
    )
    panel.suggest = rules.above_threshold(
        panel.latest_tsk.value if panel.latest_tsk else None, threshold
    )
    if panel.suggest:
        team = set(case.care_team.values_list("user_id", flat=True))
        everyone = clinic_psychologists(case)
        panel.on_team = [p for p in everyone if p.pk in team]
        panel.psychologists = [p for p in everyone if p.pk not in team]
        panel.can_involve = permissions.can_involve_psychologist(user, case)
    return panel


def decision_context(user: User, case: Case) -> dict[str, Any]:
    """The recorded decisions (whole, for clinicians), the latest first, and the current one
    the final transition will use."""
    if not permissions.can_view_return_decision(user, case):
        return {}
    records = list(ReturnDecision.objects.filter(case=case).select_related("recorded_by")[:10])
    return {
        "records": records,
        "latest": records[0] if records else None,
        "current": plan_services.current_return_decision(case) if records else None,
    }


def page_context(user: User, page: Any, forms: dict, *, today: dt.date) -> dict[str, Any]:
    """The case page's StARRT and readiness context (bound forms when a POST failed): the
    StARRT form in the plan's last phase and until the discharge."""
    case = page.case
    context: dict[str, Any] = {"rtp": decision_context(user, case)}
    last_phase = case.status == Case.Status.ACTIVE and page.phase and not page.later_phases
    returned = case.status == Case.Status.RETURNED and not case.outcome
    if (last_phase or returned) and permissions.can_record_return_decision(user, case):
        context["rtp_form"] = forms.get("return_decision") or ReturnDecisionForm(
            initial=prefill(case, today)
        )
    context["readiness"] = readiness_panel(user, case, with_chart=page.charts_added)
    if permissions.can_record_readiness(user, case) and case.status == Case.Status.ACTIVE:
        context["readiness_forms"] = [
            forms.get(code) or ReadinessForm(instrument=code, today=today)
            for code in (rules.TSK11, rules.IPRRS)
        ]
    return context
