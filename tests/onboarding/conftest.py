"""A clinic of its own for the onboarding tests: its administrator, a clinician leading a case
of one of its athletes, one team; and a foreign clinic with the same kinds of people."""

from __future__ import annotations

import pytest

from athletes.models import CareTeamMember, Clinic, Team
from tests.factories import AthleteFactory, CaseFactory, UserFactory


def _clinic(name: str, prefix: str) -> dict:
    clinic = Clinic.objects.create(name=name)
    admin = UserFactory(
        username=f"{prefix}-admin", kind="clinician", clinic=clinic, is_clinic_admin=True
    )
    lead = UserFactory(username=f"{prefix}-lead", kind="clinician", clinic=clinic)
    team = Team.objects.create(clinic=clinic, name=f"{name} Harriers", sport="Athletics")
    athlete = AthleteFactory(clinic=clinic, team=team, first_name="Noor", last_name=prefix)
    case = CaseFactory(athlete=athlete)
    CareTeamMember.objects.create(case=case, user=lead, role="lead_clinician")
    return {
        "clinic": clinic, "admin": admin, "lead": lead, "team": team, "athlete": athlete,
        "case": case,
    }  # fmt: skip


@pytest.fixture
def home(db):
    return _clinic("Northside Clinic", "north")


@pytest.fixture
def foreign(db):
    return _clinic("Southside Clinic", "south")
