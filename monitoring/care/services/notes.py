"""Notes of the care team: written for an audience, perhaps addressed to one member (who is
e-mailed, queued with ``transaction.on_commit``: a worker reads only what was committed, and a
broker that is down never undoes the write) and linked to a flag of the case."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from athletes import permissions
from athletes.models import CareTeamMember, Case, User
from monitoring.models import Flag, Notification
from monitoring.models.care import CaseNote
from rehab.errors import ApplicationError
from rehab.queue import enqueue

logger = logging.getLogger(__name__)

NOTE_MAX = 4000


def _enqueue(task_name: str, *args: Any) -> None:
    def send() -> None:
        try:
            enqueue(f"monitoring.tasks.{task_name}", *args)
        except Exception:  # broker down: the record stands; the nightly run or a person follows up
            logger.exception("Could not queue %s%r", task_name, args)

    transaction.on_commit(send)


def note_create(
    *,
    case: Case,
    author: User,
    audience: str,
    body: str,
    addressed_to: User | None = None,
    flag: Flag | None = None,
    reply_to: CaseNote | None = None,
) -> CaseNote:
    """A note for an audience the author reads; addressed to a care-team member who may read it
    (e-mailed to them unless they opted out), and linked to a flag of the same case. A reply to
    a message of the thread with the athlete is itself in that thread (audience "athlete")."""
    if audience not in CaseNote.Audience.values:
        raise ApplicationError("Unknown audience.", {"audience": "Choose who may read the note."})
    if not permissions.can_write_note(author, case):
        raise ApplicationError("You may not write notes on this case.")
    if not permissions.can_write_note(author, case, audience):
        raise ApplicationError(
            "You may not write for that audience.",
            {"audience": "Choose an audience you belong to yourself."},
        )
    text = (body or "").strip()
    if not text:
        raise ApplicationError("The note is empty.", {"body": "Write the note."})
    if len(text) > NOTE_MAX:
        raise ApplicationError(
            "The note is too long.", {"body": f"At most {NOTE_MAX} characters ({len(text)})."}
        )
    if addressed_to is not None:
        role = (
            CareTeamMember.objects.filter(case=case, user=addressed_to)
            .values_list("role", flat=True)
            .first()
        )
        if role is None or not permissions.can_be_addressed(role, audience):
            raise ApplicationError(
                "That person cannot read a note for this audience.",
                {"addressed_to": "Choose someone on the care team who may read this note."},
            )
    if flag is not None and flag.case_id != case.pk:
        raise ApplicationError("That flag is on another case.", {"flag": "Choose a flag."})
    if reply_to is not None and (
        reply_to.case_id != case.pk or reply_to.audience != CaseNote.Audience.ATHLETE
    ):
        raise ApplicationError(
            "That message is not in this case's thread.", {"reply_to": "Reply from the thread."}
        )
    if reply_to is not None and audience != CaseNote.Audience.ATHLETE:
        raise ApplicationError(
            "A reply to the athlete's thread is read by the athlete.",
            {"audience": "Choose “Care team and the athlete” to reply in the thread."},
        )
    with transaction.atomic():
        note = CaseNote.objects.create(
            case=case,
            author=author,
            audience=audience,
            body=text,
            addressed_to=addressed_to,
            flag=flag,
            reply_to=reply_to,
        )
        if addressed_to is not None and addressed_to.pk != author.pk:
            _enqueue("send_note_email", note.pk)
    return note


def message_send(
    *, case: Case, author: User, body: str, reply_to: CaseNote | None = None
) -> CaseNote:
    """A message in the case's thread with the athlete (a note for the "athlete" audience).

    The athlete writes to their team: the message is addressed to the author of the message it
    answers when they are still on the team, else to the case's lead clinician, who gets an
    in-app notice and an e-mail. A team member's message is addressed to the athlete."""
    if not permissions.can_write_message(author, case):
        raise ApplicationError("You may not write in this case's messages.")
    if reply_to is not None and (
        reply_to.case_id != case.pk or reply_to.audience != CaseNote.Audience.ATHLETE
    ):
        raise ApplicationError(
            "That message is not in this thread.", {"reply_to": "Reply to one of your messages."}
        )
    text = (body or "").strip()
    if not text:
        raise ApplicationError("The message is empty.", {"body": "Write your message."})
    if len(text) > NOTE_MAX:
        raise ApplicationError(
            "The message is too long.", {"body": f"At most {NOTE_MAX} characters ({len(text)})."}
        )
    from_athlete = permissions.is_own_case(author, case)
    addressee = _addressee(case, reply_to) if from_athlete else case.athlete.user
    with transaction.atomic():
        note = CaseNote.objects.create(
            case=case,
            author=author,
            audience=CaseNote.Audience.ATHLETE,
            body=text,
            addressed_to=addressee,
            reply_to=reply_to,
        )
        if addressee is not None and addressee.pk != author.pk:
            if from_athlete:
                Notification.objects.create(
                    recipient=addressee,
                    case=case,
                    title=f"Message from {case.athlete}"[:200],
                    body=text[:500],
                )
            _enqueue("send_note_email", note.pk)
    return note


def _addressee(case: Case, reply_to: CaseNote | None) -> User | None:
    """Whom an athlete's message goes to: the author of the message answered, if they are still
    on the team and read the thread, else the lead clinician."""
    team = {
        m.user_id: m
        for m in CareTeamMember.objects.filter(case=case).select_related("user")
        if m.user.is_active
    }
    if reply_to is not None and reply_to.author_id in team:
        member = team[reply_to.author_id]
        if permissions.can_be_addressed(member.role, CaseNote.Audience.ATHLETE) and (
            member.role != CareTeamMember.Role.ATHLETE
        ):
            return member.user
    lead = next(
        (m.user for m in team.values() if m.role == CareTeamMember.Role.LEAD_CLINICIAN), None
    )
    return lead
