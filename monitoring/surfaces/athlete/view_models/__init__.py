"""The athlete's own pages: who they are, their plan in plain words, their log, their progress.

Reads (``athlete_for_user``, ``context_for``, ``progress_data`` ...) take the logged-in user and
never an athlete id, so an athlete can only ever reach their own data. The writes of these pages
(``log_day_record``, the reminder preference) wrap the ingest services of
``monitoring.evaluation.services`` in one transaction each. The plain-language texts are each
criterion kind's words for athletes (``protocols.engine.wording``): no jargon, no abbreviations,
what to do.

By purpose: ``context`` (who and what), ``today`` (today's plan and pain rules), ``whats_next``
(goals, next stage, ladder), ``safety`` (severe pain, stop notice, contacts, the offline stop),
``messages`` (what a log is answered with), ``log`` (the log form's data and the day's write),
``progress`` (history and charts) and ``week`` (this week, planned against done). Their public
names are importable from here.
"""

from monitoring.surfaces.athlete.view_models.context import (
    EDITABLE_DAYS,
    AthleteContext,
    athlete_for_user,
    context_for,
    is_editable,
)
from monitoring.surfaces.athlete.view_models.log import (
    REST,
    WELLBEING_FIELDS,
    LogFormData,
    QuickAdd,
    SessionRow,
    log_day_record,
    log_form_data,
    log_initial,
    new_session_key,
    quick_adds,
    session_initial,
    web_session_id,
)
from monitoring.surfaces.athlete.view_models.messages import (
    Message,
    log_messages,
    stop_what,
)
from monitoring.surfaces.athlete.view_models.progress import (
    HISTORY_DAYS,
    HistoryDay,
    ProgressData,
    day_log,
    progress_data,
)
from monitoring.surfaces.athlete.view_models.safety import (
    URGENT_CARE,
    Contact,
    OfflineStop,
    SevereFinding,
    StopNotice,
    clinical_contacts,
    has_open_red_flag,
    offline_stop,
    reviewed_on,
    severe_pain,
    stop_notice,
)
from monitoring.surfaces.athlete.view_models.today import (
    ACTIVITY_NOUNS,
    IMPACT_WORDS,
    WEIGHT_BEARING_WORDS,
    Prescription,
    allowed_today,
    main_activity_noun,
    pain_limits,
    prescriptions,
)
from monitoring.surfaces.athlete.view_models.week import Week, WeekLine, weeks
from monitoring.surfaces.athlete.view_models.whats_next import (
    Goal,
    Goals,
    NextStep,
    Rung,
    evaluate_context,
    goals,
    ladder,
    next_step,
    projection,
)

__all__ = [
    "ACTIVITY_NOUNS",
    "allowed_today",
    "athlete_for_user",
    "AthleteContext",
    "clinical_contacts",
    "Contact",
    "context_for",
    "day_log",
    "EDITABLE_DAYS",
    "evaluate_context",
    "Goal",
    "Goals",
    "goals",
    "has_open_red_flag",
    "HISTORY_DAYS",
    "HistoryDay",
    "IMPACT_WORDS",
    "is_editable",
    "ladder",
    "log_day_record",
    "log_form_data",
    "log_initial",
    "log_messages",
    "LogFormData",
    "main_activity_noun",
    "Message",
    "new_session_key",
    "next_step",
    "NextStep",
    "offline_stop",
    "OfflineStop",
    "pain_limits",
    "Prescription",
    "prescriptions",
    "progress_data",
    "ProgressData",
    "projection",
    "quick_adds",
    "QuickAdd",
    "REST",
    "Rung",
    "session_initial",
    "SessionRow",
    "severe_pain",
    "SevereFinding",
    "stop_notice",
    "reviewed_on",
    "stop_what",
    "StopNotice",
    "URGENT_CARE",
    "web_session_id",
    "Week",
    "WeekLine",
    "weeks",
    "WEIGHT_BEARING_WORDS",
    "WELLBEING_FIELDS",
]
