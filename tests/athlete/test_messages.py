"""Messages between the athlete and their care team: a thread per case (the notes written for
the athlete, and the athlete's own), replies both ways, the worklist showing what waits.

Story: on 20 November 2026 Dana (lead clinician) writes to Maya that her walk-runs look good and
asks how the night pain is; Maya answers from her phone; the message waits on Dana's worklist
until Dana replies in the thread."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from athletes.models import Case
from monitoring.care.services import message_send, note_create
from monitoring.models import Notification
from monitoring.models.care import CaseNote
from rehab.errors import ApplicationError

pytestmark = pytest.mark.django_db

QUESTION = "Walk-runs look good. Any pain at night this week?"
ANSWER = "No night pain since Tuesday, thanks!"
SECRET = "MRI: grade 3 posteromedial tibial stress fracture"


@pytest.fixture
def thread_case(maya):
    return Case.objects.get(athlete=maya.athlete_profile)


@pytest.fixture
def question(thread_case, clinician, maya, today):
    return note_create(
        case=thread_case,
        author=clinician,
        audience="athlete",
        body=QUESTION,
        addressed_to=maya,
    )


def test_maya_replies_from_her_phone_and_dana_is_told(
    client,
    maya,
    clinician,
    question,
    thread_case,
    today,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    from monitoring.care import tasks as care_tasks

    queued = []
    monkeypatch.setattr("monitoring.care.services.notes.enqueue", lambda *a: queued.append(a))
    client.force_login(maya)
    home = client.get(reverse("athlete:today")).content.decode()
    assert QUESTION in home and f"/me/messages/?reply={question.pk}#write" in home
    page = client.get(reverse("athlete:messages"), {"reply": question.pk}).content.decode()
    assert "Reply to" in page and QUESTION in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("athlete:messages"), {"body": ANSWER, "reply_to": question.pk}
        )
    assert response.status_code == 302
    answer = CaseNote.objects.get(body=ANSWER)
    assert (answer.audience, answer.author, answer.addressed_to) == ("athlete", maya, clinician)
    assert answer.reply_to == question
    notice = Notification.objects.get(recipient=clinician)
    assert notice.title.startswith("Message from") and ANSWER in notice.body
    assert queued == [("monitoring.tasks.send_note_email", answer.pk)]
    assert care_tasks.send_note_email(answer.pk) == 1
    assert mail.outbox[-1].to == [clinician.email] and ANSWER in mail.outbox[-1].body
    thread = client.get(reverse("athlete:messages")).content.decode()
    assert thread.index(QUESTION) < thread.index(ANSWER)  # oldest first
    assert "replying to" in thread


def test_the_worklist_shows_the_message_until_the_team_replies(
    client, maya, clinician, question, thread_case, today
):
    answer = message_send(case=thread_case, author=maya, body=ANSWER, reply_to=question)
    client.force_login(clinician)
    worklist = client.get(reverse("clinic:inbox")).content.decode()
    assert "Messages from athletes" in worklist and ANSWER in worklist
    reply_link = f"?reply={answer.pk}#note-entry"
    assert reply_link in worklist
    timeline = reverse("care:timeline", kwargs={"case_id": thread_case.pk})
    form = client.get(timeline + f"?reply={answer.pk}").content.decode()
    assert f'name="reply_to" value="{answer.pk}"' in form
    response = client.post(
        reverse("care:note_new", kwargs={"case_id": thread_case.pk}),
        {
            "audience": "athlete",
            "body": "Great. Keep going.",
            "addressed_to": maya.pk,
            "reply_to": answer.pk,
        },
    )
    assert response.status_code == 302
    reply = CaseNote.objects.get(body="Great. Keep going.")
    assert reply.reply_to == answer and reply.audience == "athlete"
    assert "Messages from athletes" not in client.get(reverse("clinic:inbox")).content.decode()


def test_a_reply_in_the_thread_cannot_be_for_clinical_staff_only(
    maya, clinician, question, thread_case
):
    answer = message_send(case=thread_case, author=maya, body=ANSWER, reply_to=question)
    with pytest.raises(ApplicationError) as refused:
        note_create(
            case=thread_case, author=clinician, audience="clinical", body="x", reply_to=answer
        )
    assert "audience" in refused.value.errors


def test_the_thread_holds_only_what_the_athlete_may_read(
    client, maya, clinician, question, thread_case, today
):
    secret = note_create(case=thread_case, author=clinician, audience="clinical", body=SECRET)
    team = note_create(case=thread_case, author=clinician, audience="team", body="Coach: easy")
    client.force_login(maya)
    for url in (reverse("athlete:messages"), reverse("athlete:messages") + f"?reply={secret.pk}"):
        page = client.get(url).content.decode()
        assert QUESTION in page
        assert SECRET not in page and "grade 3" not in page and "Coach: easy" not in page
    # answering "the clinical note" answers nothing in particular: it is not in her thread
    client.post(reverse("athlete:messages"), {"body": ANSWER, "reply_to": secret.pk})
    answer = CaseNote.objects.get(body=ANSWER)
    assert answer.reply_to is None and answer.audience == "athlete"
    assert team.pk != answer.pk


def test_bad_messages_are_refused_with_the_reason_and_nothing_is_sent(client, maya, today):
    client.force_login(maya)
    empty = client.post(reverse("athlete:messages"), {"body": "   "})
    assert empty.status_code == 400 and "Write your message." in empty.content.decode()
    long = client.post(reverse("athlete:messages"), {"body": "x" * 4001})
    assert long.status_code == 400 and "At most 4000 characters" in long.content.decode()
    assert not CaseNote.objects.exists()


def test_another_athlete_never_sees_this_thread(client, maya, ben, question, today):
    client.force_login(ben)
    page = client.get(reverse("athlete:messages")).content.decode()
    assert QUESTION not in page and "No messages yet" in page
    client.post(reverse("athlete:messages"), {"body": "hello", "reply_to": question.pk})
    mine = CaseNote.objects.get(body="hello")
    assert mine.case.athlete == ben.athlete_profile and mine.reply_to is None


def test_only_the_team_and_the_athlete_write_in_the_thread(maya, ben, question, thread_case):
    with pytest.raises(ApplicationError):
        message_send(case=thread_case, author=ben, body="not mine")
