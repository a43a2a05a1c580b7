"""Page-specific reads and view models of the clinic pages, one module per page: the list of
cases (``cases``), the new case's implications (``implications``), the case page
(``case_page``, with its evaluation and history), the red-flag inbox (``inbox``) and the shared
contact (``contact``); ``common`` holds what they share.

Each builder loads what its page shows in a constant number of queries, whatever the number of
cases, logs, flags, assessments and transitions, and turns domain objects into plain rows the
templates render as they are (no JSON reaches a page).
"""

from monitoring.surfaces.clinic.view_models.case_page import (
    CasePage,
    add_charts,
    case_page,
    permissions_for,
    phase_periods,
)
from monitoring.surfaces.clinic.view_models.cases import (
    CaseRow,
    athletes_of,
    case_rows,
    teams_for_new_athlete,
    teams_of,
)
from monitoring.surfaces.clinic.view_models.common import (
    FLAG_SHORT,
    SEVERITY,
    day_in_phase,
    fields_shown,
    flag_sort_key,
    labelled,
    raised_since,
)
from monitoring.surfaces.clinic.view_models.contact import contact_update
from monitoring.surfaces.clinic.view_models.evaluation import (
    EvaluationView,
    ResultRow,
    evaluation_view,
    kind_label,
    sign_evaluation,
    stored_evaluation_view,
    unsign_evaluation,
)
from monitoring.surfaces.clinic.view_models.history import (
    HistoryItem,
    describe_changes,
    describe_prescription,
    history,
)
from monitoring.surfaces.clinic.view_models.implications import (
    Implication,
    Implications,
    case_implications,
)
from monitoring.surfaces.clinic.view_models.inbox import Worklist, inbox_flags, worklist

__all__ = [
    "FLAG_SHORT",
    "SEVERITY",
    "CasePage",
    "CaseRow",
    "EvaluationView",
    "HistoryItem",
    "Implication",
    "Implications",
    "ResultRow",
    "add_charts",
    "athletes_of",
    "case_implications",
    "case_page",
    "case_rows",
    "contact_update",
    "day_in_phase",
    "describe_changes",
    "describe_prescription",
    "evaluation_view",
    "fields_shown",
    "flag_sort_key",
    "history",
    "inbox_flags",
    "worklist",
    "Worklist",
    "kind_label",
    "labelled",
    "permissions_for",
    "phase_periods",
    "raised_since",
    "sign_evaluation",
    "stored_evaluation_view",
    "teams_for_new_athlete",
    "teams_of",
    "unsign_evaluation",
]
