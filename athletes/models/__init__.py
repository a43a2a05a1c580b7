"""Identity and access: who people are, which clinic they belong to, the cases and who may see
them.

``people`` holds the clinic, users, teams and athletes; ``cases`` the injury episodes, their care
teams and integration grants; ``consent`` sharing consents and erasures; ``access`` who looked;
``invitations`` the one-time links that bring people in.
"""

from athletes.models.access import AccessRecord
from athletes.models.cases import CareTeamMember, Case, IntegrationGrant
from athletes.models.consent import ErasureRecord, SharingConsent
from athletes.models.cycle import CycleConsent, PeriodStart
from athletes.models.invitations import Invitation
from athletes.models.people import Athlete, Clinic, Team, User

__all__ = [
    "AccessRecord",
    "Athlete",
    "CareTeamMember",
    "Clinic",
    "CycleConsent",
    "Case",
    "ErasureRecord",
    "IntegrationGrant",
    "Invitation",
    "PeriodStart",
    "SharingConsent",
    "Team",
    "User",
]
