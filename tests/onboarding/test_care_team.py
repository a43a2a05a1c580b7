"""The care team on the case page: add someone of the clinic with a role their kind may hold,
change a role, remove, hand the lead over; every change recorded and the newcomer notified;
a foreign clinic's staff never offered nor accepted."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from athletes.models import CareTeamMember
from monitoring.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(home):
    clinic = home["clinic"]
    return {
        kind: UserFactory(username=f"north-{kind}", kind=kind, clinic=clinic)
        for kind in ("physio", "coach", "nutritionist", "psychologist", "clinician")
    }


def _roles(case):
    return dict(CareTeamMember.objects.filter(case=case).values_list("user__username", "role"))


def test_the_lead_adds_a_physio_and_a_coach_who_are_notified(
    client, home, staff, django_capture_on_commit_callbacks, monkeypatch
):
    from monitoring.care import tasks as care_tasks

    # The worker, run in line: the e-mail goes once the change is committed.
    task = care_tasks.send_notification_email
    monkeypatch.setattr(task, "delay", lambda *args: task(*args))
    client.force_login(home["lead"])
    case = home["case"]
    page = client.get(reverse("clinic:case", args=[case.pk])).content.decode()
    assert f'value="{staff["physio"].pk}:physio"' in page
    assert f'value="{staff["coach"].pk}:coach"' in page
    assert f'value="{staff["coach"].pk}:physio"' not in page  # a coach is only ever a coach
    for user, role in ((staff["physio"], "physio"), (staff["coach"], "coach")):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("clinic:team_add", args=[case.pk]), {"member": f"{user.pk}:{role}"}
            )
        assert response.status_code == 302 and response.url.endswith("#care-team")
    assert _roles(case)["north-physio"] == "physio" and _roles(case)["north-coach"] == "coach"
    notice = Notification.objects.get(recipient=staff["coach"])
    assert "added to the care team" in notice.title and "coach" in notice.title
    assert str(case.athlete) in notice.title
    assert case.get_site_display().lower() not in (notice.title + notice.body).lower()
    assert {m.to[0] for m in mail.outbox} == {staff["physio"].email, staff["coach"].email}
    member = CareTeamMember.objects.get(case=case, user=staff["coach"])
    last = member.history.latest()
    assert last.history_user == home["lead"] and last.history_change_reason == "Care team changed"


@pytest.mark.parametrize(
    ("who", "role"),
    [("coach", "physio"), ("nutritionist", "clinician"), ("physio", "lead_clinician")],
)
def test_a_role_the_kind_may_not_hold_is_refused(client, home, staff, who, role):
    client.force_login(home["lead"])
    case = home["case"]
    response = client.post(
        reverse("clinic:team_add", args=[case.pk]), {"member": f"{staff[who].pk}:{role}"}
    )
    assert response.status_code == 302
    assert f"north-{who}" not in _roles(case)
    page = client.get(response.url).content.decode()
    assert "cannot hold the role" in page or "hand the lead over" in page.lower()


def test_a_foreign_clinic_s_staff_are_not_offered_nor_accepted(client, home, foreign):
    client.force_login(home["lead"])
    case = home["case"]
    stranger = foreign["lead"]
    page = client.get(reverse("clinic:case", args=[case.pk])).content.decode()
    assert str(stranger) not in page
    response = client.post(
        reverse("clinic:team_add", args=[case.pk]), {"member": f"{stranger.pk}:clinician"}
    )
    assert "south-lead" not in _roles(case)
    assert "No such person" in client.get(response.url).content.decode()


def test_change_a_role_remove_and_hand_over_the_lead(client, home, staff):
    client.force_login(home["lead"])
    case = home["case"]
    add = reverse("clinic:team_add", args=[case.pk])
    client.post(add, {"member": f"{staff['clinician'].pk}:clinician"})
    client.post(add, {"member": f"{staff['physio'].pk}:physio"})
    client.post(reverse("clinic:team_remove", args=[case.pk, staff["physio"].pk]))
    assert "north-physio" not in _roles(case)
    # The lead cannot be removed; they hand over first.
    client.post(reverse("clinic:team_remove", args=[case.pk, home["lead"].pk]))
    assert _roles(case)["north-lead"] == "lead_clinician"
    client.post(reverse("clinic:team_lead", args=[case.pk, staff["clinician"].pk]))
    roles = _roles(case)
    assert roles["north-clinician"] == "lead_clinician" and roles["north-lead"] == "clinician"
    assert Notification.objects.filter(recipient=staff["clinician"], title__contains="lead")
    # The former lead no longer hands over (only the lead does).
    client.post(reverse("clinic:team_lead", args=[case.pk, home["lead"].pk]))
    assert _roles(case)["north-clinician"] == "lead_clinician"


def test_the_nutritionist_referral_is_one_click(client, home, staff):
    case = home["case"]
    case.red_s_screen = "positive"
    case.save()
    client.force_login(home["lead"])
    page = client.get(reverse("clinic:case", args=[case.pk])).content.decode()
    assert "Add a nutritionist" in page and "positive RED-S" in page
    assert f"Add {staff['nutritionist']}" in page
    client.post(
        reverse("clinic:team_add", args=[case.pk]),
        {"member": f"{staff['nutritionist'].pk}:nutritionist"},
    )
    assert _roles(case)["north-nutritionist"] == "nutritionist"
    page = client.get(reverse("clinic:case", args=[case.pk])).content.decode()
    assert "Add a nutritionist" not in page


def test_only_the_case_s_clinicians_manage_its_team(client, home, staff):
    case = home["case"]
    CareTeamMember.objects.create(case=case, user=staff["physio"], role="physio")
    client.force_login(staff["physio"])
    page = client.get(reverse("clinic:case", args=[case.pk])).content.decode()
    assert "Add someone of the clinic" not in page
    response = client.post(
        reverse("clinic:team_add", args=[case.pk]), {"member": f"{staff['coach'].pk}:coach"}
    )
    assert response.status_code == 404 and "north-coach" not in _roles(case)


def test_the_case_page_offers_the_athlete_a_login(client, home):
    client.force_login(home["lead"])
    page = client.get(reverse("clinic:case", args=[home["case"].pk])).content.decode()
    assert "Give Noor a login" in page
    assert reverse("account:athlete_invite", args=[home["athlete"].pk]) in page


def test_someone_new_is_invited_straight_onto_the_case(client, home):
    from athletes.services import invitations as service

    client.force_login(home["lead"])
    case = home["case"]
    response = client.post(
        reverse("clinic:team_invite", args=[case.pk]),
        {"email": "new.physio@example.org", "role": "physio"},
    )
    page = client.get(response.url).content.decode()
    assert "join this case as physiotherapist" in page
    assert "Invited to this case, not joined yet: new.physio@example.org" in page
    token = mail.outbox[-1].body.split("/account/invitation/")[1].split("/")[0]
    user = service.invitation_accept(
        token=token, password="a-long-enough-passphrase", first_name="N", last_name="P"
    )
    assert (user.kind, _roles(case)["new.physio@example.org"]) == ("physio", "physio")
    # A role that is not offered, or the lead, is refused and invites nobody.
    client.post(
        reverse("clinic:team_invite", args=[case.pk]),
        {"email": "boss@example.org", "role": "lead_clinician"},
    )
    assert not CareTeamMember.objects.filter(user__email="boss@example.org").exists()
    assert len(mail.outbox) == 1
