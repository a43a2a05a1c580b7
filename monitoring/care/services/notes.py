"""Notes of the care team: written for an audience, perhaps addressed to one member (who is
e-mailed, queued with ``transaction.on_commit``: a worker reads only what was committed, and a
broker that is down never undoes the write) and linked to a flag of the case."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from athletes import permissions
from athletes.models import CareTeamMember, Case, User
from monitoring.models import Flag
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
) -> CaseNote:
    """A note for an audience the author reads; addressed to a care-team member who may read it
    (e-mailed to them unless they opted out), and linked to a flag of the same case."""
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
    with transaction.atomic():
        note = CaseNote.objects.create(
            case=case,
            author=author,
            audience=audience,
            body=text,
            addressed_to=addressed_to,
            flag=flag,
        )
        if addressed_to is not None and addressed_to.pk != author.pk:
            _enqueue("send_note_email", note.pk)
    return note
