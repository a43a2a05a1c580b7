"""Builders of the site, risk and screen stories (tests/clinical, issue 22 items 5-11): a case
opened and a plan drafted and started through the services the clinic uses, logs recorded as
the athlete's web form does, and the evaluation the app runs."""

from __future__ import annotations

import datetime as dt

from athletes.models import CareTeamMember, Case, User
from athletes.services import case_open
from monitoring.evaluation import services as monitoring_services
from monitoring.ingest.items import daily_log_record
from protocols import services as plan_services
from protocols.models import Plan, PlanPhase, ProtocolTemplate
from tests.factories import AthleteFactory, UserFactory

NOON = dt.time(12, 0)


def clinician(username: str = "dr_okoye") -> User:
    return UserFactory(username=username, kind=User.Kind.CLINICIAN)


def member(case: Case, username: str, role: str, kind: str) -> User:
    user = UserFactory(username=username, kind=kind)
    CareTeamMember.objects.create(case=case, user=user, role=role)
    return user


def open_case(
    by: User, site: str, *, diagnosed_on: dt.date, sex: str = "female", **details
) -> Case:
    """A case opened as the new-case page opens it (``case_open``)."""
    athlete = AthleteFactory(sex=sex)
    return case_open(
        athlete=athlete, site=site, diagnosed_on=diagnosed_on, created_by=by, **details
    )


def start_plan(case: Case, by: User, slug: str, started_on: dt.date) -> Plan:
    """A plan drafted from the published template (``plan_create``) and started."""
    template = ProtocolTemplate.objects.get(slug=slug, status=ProtocolTemplate.Status.PUBLISHED)
    plan = plan_services.plan_create(case=case, template=template, created_by=by)
    return plan_services.plan_start(plan=plan, started_by=by, started_on=started_on)


def phase(plan: Plan, order: int) -> PlanPhase:
    return plan.phases.get(order=order)


def move_to(plan: Plan, order: int, on: dt.date) -> PlanPhase:
    """The plan in its phase ``order`` from ``on``, as after an advance decided that day."""
    current = phase(plan, order)
    current.started_on = on
    current.save(update_fields=["started_on"])
    Plan.objects.filter(pk=plan.pk).update(current_phase=current)
    return current


def log(case: Case, day: dt.date, by: User, **fields) -> None:
    daily_log_record(athlete=case.athlete, date=day, submitted_by=by, fields=fields, today=day)


def evaluate(case: Case, today: dt.date):
    """The evaluation the app runs (it opens and updates the case's flags)."""
    return monitoring_services.case_evaluate(case_id=case.pk, today=today)


def kinds(items) -> list[str]:
    return [i["kind"] for i in items]
