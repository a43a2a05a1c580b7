"""Demo data of the return-to-play decision and psychological readiness: Maya's TSK-11 and
I-PRRS trend (fear easing, confidence growing), Lea's high TSK-11 with no psychologist on her
team yet (the one-click suggestion), and Sofia, discharged after a recorded StARRT decision
with restrictions, whose clearance letter carries it."""

from __future__ import annotations

import datetime as dt

from athletes.models import Athlete, CareTeamMember, Case, Team, User
from athletes.services import athlete_create, case_open
from monitoring.care import readiness_rules as rules
from monitoring.care.services.lifecycle import case_discharge
from monitoring.care.services.readiness import readiness_record
from monitoring.models import Assessment, ReadinessQuestionnaire
from protocols import services as plan_services
from protocols.models import Plan, ProtocolTemplate

Role = CareTeamMember.Role


def _spread(total: int, count: int, low: int, high: int, step: int = 1) -> list[int]:
    """``count`` answers from ``low`` to ``high`` (in ``step``s) adding up to ``total``."""
    answers = [low] * count
    left = total - low * count
    for i in range(count * (high - low) // step):
        if left <= 0:
            break
        k = i % count
        if answers[k] + step <= high:
            answers[k] += step
            left -= step
    return answers


def _questionnaires(case: Case, by: User, today: dt.date, tsk: list[int], iprrs: list[int]):
    if ReadinessQuestionnaire.objects.filter(case=case).exists():
        return
    for weeks_ago, (t, i) in zip((4, 2, 0), zip(tsk, iprrs, strict=True), strict=False):
        day = today - dt.timedelta(days=7 * weeks_ago + 1)
        items = _spread(t, 11, 1, 4)
        readiness_record(case=case, by=by, instrument=rules.TSK11, date=day, items=items)
        answers = _spread(i * 10, 6, 0, 100, 10)
        readiness_record(case=case, by=by, instrument=rules.IPRRS, date=day, items=answers)


def seed_return_to_play(users: dict[str, User], today: dt.date) -> None:
    dana = users["clinician"]
    maya = Case.objects.filter(athlete__first_name="Maya", athlete__last_name="Patel").first()
    if maya is not None:
        _questionnaires(maya, dana, today, [40, 34, 29], [28, 38, 46])
    lea = Case.objects.filter(athlete__first_name="Lea", athlete__last_name="Fischer").first()
    if lea is not None and not ReadinessQuestionnaire.objects.filter(case=lea).exists():
        # Lea's team has no psychologist yet: the case page offers to add one in one click.
        CareTeamMember.objects.filter(case=lea, role=Role.PSYCHOLOGIST).delete()
        day = today - dt.timedelta(days=2)
        items = _spread(39, 11, 1, 4)
        readiness_record(case=lea, by=dana, instrument=rules.TSK11, date=day, items=items)
    _discharged(users, today)


def _discharged(users: dict[str, User], today: dt.date) -> None:
    """Sofia Marin: a metatarsal stress injury, the plan completed after a StARRT decision
    (return with restrictions), discharged ten days ago with a clearance letter."""
    dana = users["clinician"]
    if Athlete.objects.filter(first_name="Sofia", last_name="Marin").exists():
        return
    team = Team.objects.filter(name="Riverside Athletics").first()
    athlete = athlete_create(
        first_name="Sofia",
        last_name="Marin",
        sex="female",
        sport="Middle distance",
        team=team,
        date_of_birth=today - dt.timedelta(days=365 * 22),
        clinic=team.clinic if team else None,
    )
    template = ProtocolTemplate.objects.get(slug="metatarsal-shaft", status="published")
    started = today - dt.timedelta(days=90)
    case = case_open(
        athlete=athlete,
        site="metatarsal_shaft",
        side="left",
        grade=2,
        grading_system="none",
        diagnosed_on=started - dt.timedelta(days=3),
        created_by=dana,
    )
    for username, role in (("physio", Role.PHYSIO), ("coach", Role.COACH)):
        CareTeamMember.objects.get_or_create(
            case=case, user=users[username], defaults={"role": role, "added_by": dana}
        )
    plan = plan_services.plan_create(case=case, template=template, created_by=dana)
    plan_services.plan_start(
        plan=plan, started_by=dana, started_on=started, reason="Plan agreed with Sofia."
    )
    phases = list(plan.phases.order_by("order"))
    step = 70 // max(len(phases) - 1, 1)
    for n, phase in enumerate(phases[1:], start=1):
        plan_services.transition_decide(
            plan=Plan.objects.get(pk=plan.pk),
            kind="advance",
            decided_by=dana,
            effective_on=started + dt.timedelta(days=step * n),
            to_phase=phase,
            reason="Criteria met and reviewed in clinic.",
        )
    returned = today - dt.timedelta(days=10)
    for test, value in (("tenderness", 0), ("single_leg_hop", 28), ("strength_symmetry", 94)):
        Assessment.objects.create(
            case=case, date=returned - dt.timedelta(days=2), test=test, value=value,
            assessed_by=dana,
        )  # fmt: skip
    plan_services.return_decision_record(
        case=case,
        by=dana,
        today=returned,
        data={
            "symptoms": "Pain-free for 3 weeks of running, logs complete.",
            "tenderness": "No tenderness over the 2nd metatarsal shaft.",
            "imaging": "Not repeated (clinical union).",
            "function_tests": "Single-leg hops 28 (limb symmetry 93%); strength symmetry 94%.",
            "sport": "Middle distance",
            "level": "club",
            "position_event": "800 m / 1500 m",
            "surface": "Track and road",
            "planned_load": "Five runs a week building to 45 km; spikes from week 3.",
            "season_timing": "pre",
            "pressure": "Keen to race the indoor season.",
            "masking": "",
            "conflicts": "",
            "fear": "TSK-11 22, I-PRRS 52: confident.",
            "decision": "restricted",
            "cleared_from": returned,
            "restrictions": "No spikes or races for three weeks; no more than two hard "
            "sessions a week.",
            "reasons": "The bone has healed clinically and she is strong; the indoor season "
            "tempts an early race, so spikes and racing wait three weeks.",
        },
    )
    plan_services.transition_decide(
        plan=Plan.objects.get(pk=plan.pk),
        kind="complete",
        decided_by=dana,
        effective_on=returned,
        reason="Return-to-play decision recorded: return with restrictions.",
    )
    case_discharge(
        case=Case.objects.get(pk=case.pk),
        by=dana,
        returned_on=returned,
        outcome=Case.Outcome.MODIFIED,
        summary="You are back to training, with no spikes or races for three weeks. Keep the "
        "calf and foot strength work twice a week. Stop and call us if pain returns at the "
        "same spot, at rest or at night.",
    )
