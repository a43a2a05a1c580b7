"""The record of changes of a case: who changed what, when, and why, with the plan's diffs.

Built from django-simple-history's tables (``history = HistoricalRecords()`` on the case, its care
team, plans, phases, decisions, assessments, flags and the athlete's sharing consents). Each
history row is compared with the previous row of the same object, so an edit of a phase reads as
"Advance when: added “No pain during activity for 7 days”", never as JSON.

``case_record`` reads in a constant number of queries whatever the number of history rows:
one per history table (eight) and one for the names of the people involved.

Modules: ``record`` (the case's record), ``entries`` (one builder per kind of history row) and
``words`` (values, criteria, prescriptions and list differences in words).
"""

from __future__ import annotations

from monitoring.audit.entries import ROLE_PLURALS, Entry, phase_diff
from monitoring.audit.record import Record, case_record
from monitoring.audit.words import criterion_words, prescription_words

__all__ = [
    "ROLE_PLURALS",
    "Entry",
    "Record",
    "case_record",
    "criterion_words",
    "phase_diff",
    "prescription_words",
]
