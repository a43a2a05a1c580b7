"""Writes of athletes, cases and care teams, of the athlete's consent to share, and the athlete's
data rights (export and erasure), one module each."""

from athletes.services.access import prune_access_records, record_access
from athletes.services.cases import (
    athlete_create,
    athlete_time_zone_set,
    care_team_add,
    care_team_hand_over_lead,
    care_team_remove,
    case_open,
)
from athletes.services.consent import consent_defaults_record, consent_set, consent_state
from athletes.services.erasure import athlete_erase
from athletes.services.export import athlete_data, athlete_export
from athletes.services.guardian import GUARDIAN_FIELDS, guardian_update

__all__ = [
    "GUARDIAN_FIELDS",
    "guardian_update",
    "athlete_create",
    "athlete_time_zone_set",
    "athlete_data",
    "athlete_erase",
    "athlete_export",
    "care_team_add",
    "care_team_hand_over_lead",
    "care_team_remove",
    "case_open",
    "consent_defaults_record",
    "consent_set",
    "consent_state",
    "prune_access_records",
    "record_access",
]
