"""Who gets which e-mail: each person's notification settings (everything on unless they opted
out) and the clinical team of cases."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.db import transaction

from athletes.models import CareTeamMember, User
from monitoring.evaluation import selectors
from monitoring.models import Notification
from monitoring.models.care import NotificationSetting
from rehab.errors import ApplicationError
from rehab.queue import enqueue

logger = logging.getLogger(__name__)


def notification_settings_for(user: User) -> NotificationSetting:
    """The person's settings (unsaved defaults when they never changed them)."""
    found = NotificationSetting.objects.filter(user=user).first()
    return found or NotificationSetting(user=user)


def notification_settings_update(*, user: User, **kinds: bool) -> NotificationSetting:
    unknown = set(kinds) - set(NotificationSetting.KINDS)
    if unknown:
        raise ApplicationError("Unknown notification kind.", {k: "Unknown." for k in unknown})
    setting, _ = NotificationSetting.objects.update_or_create(
        user=user, defaults={k: bool(v) for k, v in kinds.items()}
    )
    return setting


def wants(user_ids: Sequence[int], kind: str) -> set[int]:
    """Of these people, those who get e-mails of this kind (on unless they opted out)."""
    if kind not in NotificationSetting.KINDS:
        raise ValueError(kind)
    off = set(
        NotificationSetting.objects.filter(user_id__in=list(user_ids), **{kind: False}).values_list(
            "user_id", flat=True
        )
    )
    return {u for u in user_ids if u not in off}


def clinical_team_ids(case_ids: Sequence[int]) -> dict[int, list[int]]:
    """Case id → active clinical care-team members with an e-mail address, their role not
    withdrawn by the athlete (``selectors.clinical_team``, one query)."""
    out: dict[int, list[int]] = {}
    for case_id, user_id, email in selectors.clinical_team(case_ids):
        if email:
            out.setdefault(case_id, []).append(user_id)
    return out


TEAM_CHANGES = {
    "added": "You were added to the care team of {athlete} as {role}.",
    "role": "Your role on the care team of {athlete} is now {role}.",
    "lead": "You now lead the care of {athlete}.",
}


def team_change_notify(*, case, user: User, role: str, change: str, by: User | None):
    """Tell a person who joined a care team, changed role or took the lead: an in-app notice,
    e-mailed after commit. Leaving is not announced (the case simply disappears for them).
    The notice names the athlete and the role, never a clinical fact."""
    if change not in TEAM_CHANGES or user.pk == getattr(by, "pk", None):
        return None
    role_label = str(CareTeamMember.Role(role).label).lower() if role else ""
    title = TEAM_CHANGES[change].format(athlete=case.athlete, role=role_label)
    body = f"{by or 'The clinic'} made the change. {case.athlete} is on your home page now."
    notice = Notification.objects.create(recipient=user, case=case, title=title, body=body)

    def send() -> None:
        try:
            enqueue("monitoring.tasks.send_notification_email", notice.pk)
        except Exception:  # broker down: the in-app notice stands
            logger.exception("Could not queue the e-mail of notification %s", notice.pk)

    transaction.on_commit(send)
    return notice
