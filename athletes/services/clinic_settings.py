"""The clinic's own protocol settings: editable defaults of thresholds without validated
evidence (clinic protocol)."""

from __future__ import annotations

from typing import Any

from athletes import permissions
from athletes.audit import audited
from athletes.models import Clinic, User
from rehab.errors import ApplicationError


@audited(by="by", reason="Clinic protocol changed")
def clinic_tsk11_threshold_set(*, clinic: Clinic, by: User, value: Any) -> Clinic:
    """The TSK-11 total above which the case page suggests the psychologist (11–44)."""
    if not permissions.can_administer_clinic(by) or by.clinic_id != clinic.pk:
        raise ApplicationError("Only the clinic's administrators change its protocols.")
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ApplicationError(
            "Enter a whole number.", {"tsk11_psychology_threshold": "A whole number, 11–44."}
        ) from None
    if not 11 <= number <= 44:
        raise ApplicationError(
            "Out of range.", {"tsk11_psychology_threshold": "TSK-11 totals run from 11 to 44."}
        )
    Clinic.objects.filter(pk=clinic.pk).update(tsk11_psychology_threshold=number)
    clinic.tsk11_psychology_threshold = number
    return clinic
