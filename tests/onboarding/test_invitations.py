"""Invitations: from an administrator's e-mail to a working login, once, within 7 days, in the
inviter's clinic only; bad links and bad input answer clearly and create nothing."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from athletes.models import CareTeamMember, Invitation, User
from athletes.services import invitations as service
from rehab.errors import ApplicationError

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-enough-passphrase-42"


def _link(message) -> str:
    return re.search(r"https?://\S+/account/invitation/\S+/", message.body).group(0)


def _path(url: str) -> str:
    return url[url.index("/account/") :]


def test_the_administrator_invites_a_coach_who_sets_a_password_and_lands_on_the_board(client, home):
    client.force_login(home["admin"])
    response = client.post(
        reverse("account:invite_staff"),
        {"email": "Coach.Kim@Example.org", "kind": "coach", "teams": [home["team"].pk]},
    )
    assert response.status_code == 200
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.kind, invitation.clinic) == (
        "coach.kim@example.org", "coach", home["clinic"]
    )  # fmt: skip
    [message] = mail.outbox
    assert message.to == ["coach.kim@example.org"] and "Northside Clinic" in message.subject
    link = _path(_link(message))
    assert link in response.content.decode()  # the administrator may hand the link over
    assert invitation.token_hash not in link  # only the hash is stored

    client.logout()
    page = client.get(link)
    assert page.status_code == 200 and "coach" in page.content.decode()
    response = client.post(
        link,
        {"first_name": "Kim", "last_name": "Lee", "password": PASSWORD, "password_again": PASSWORD},
    )
    assert response.status_code == 302 and response.url == reverse("home")
    kim = User.objects.get(username="coach.kim@example.org")
    assert (kim.kind, kim.clinic, kim.get_full_name()) == ("coach", home["clinic"], "Kim Lee")
    assert list(kim.teams.all()) == [home["team"]]
    assert client.get(reverse("home")).url == reverse("coach:board")
    invitation.refresh_from_db()
    assert invitation.accepted_user == kim and invitation.status == "accepted"
    # The link works once.
    client.logout()
    again = client.get(link)
    assert again.status_code == 410 and "used already" in again.content.decode()


def test_an_athlete_is_invited_from_their_case_with_a_code_and_stays_signed_in(client, home):
    client.force_login(home["lead"])
    url = reverse("account:athlete_invite", args=[home["athlete"].pk])
    response = client.post(url, {"email": "noor@example.org"})
    body = response.content.decode()
    assert response.status_code == 200 and "data:image/svg+xml" in body  # the QR code
    link = _path(_link(mail.outbox[0]))
    assert link in body
    client.logout()
    page = client.get(link).content.decode()
    assert "Welcome, Noor" in page and "Stay signed in" in page
    response = client.post(
        link, {"password": PASSWORD, "password_again": PASSWORD, "stay_signed_in": "on"}
    )
    assert response.status_code == 302
    noor = User.objects.get(username="noor@example.org")
    home["athlete"].refresh_from_db()
    assert home["athlete"].user == noor and noor.kind == "athlete"
    assert CareTeamMember.objects.get(case=home["case"], user=noor).role == "athlete"
    assert client.session.get_expiry_age() == 30 * 24 * 60 * 60
    assert client.get(reverse("home")).url == reverse("athlete:today")


def test_staff_keep_their_shorter_session(client, home):
    issued = service.invitation_create(
        email="physio@example.org", kind="physio", invited_by=home["admin"]
    )
    client.post(
        issued.path,
        {"first_name": "P", "last_name": "Q", "password": PASSWORD, "password_again": PASSWORD,
         "stay_signed_in": "on"},
    )  # fmt: skip
    assert client.session.get_expire_at_browser_close()  # a clinic computer's session


@pytest.mark.parametrize("state", ["expired", "revoked", "resent", "unknown"])
def test_a_link_that_cannot_be_used_says_why_and_creates_nothing(client, home, state):
    issued = service.invitation_create(
        email="late@example.org", kind="clinician", invited_by=home["admin"]
    )
    path = issued.path
    if state == "expired":
        Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
        expected = "expired"
    elif state == "revoked":
        service.invitation_revoke(invitation=issued.invitation, by=home["admin"])
        expected = "withdrawn"
    elif state == "resent":
        service.invitation_resend(invitation=issued.invitation, by=home["admin"])
        expected = "not valid"
    else:
        path = path.replace(issued.token, "x" * 43)
        expected = "not valid"
    data = {"first_name": "A", "last_name": "B", "password": PASSWORD, "password_again": PASSWORD}
    for response in (client.get(path), client.post(path, data)):
        assert response.status_code == 410
        assert expected in response.content.decode()
    assert not User.objects.filter(username="late@example.org").exists()


def test_a_resent_invitation_has_a_new_link_for_seven_more_days(home):
    issued = service.invitation_create(
        email="again@example.org", kind="physio", invited_by=home["admin"]
    )
    Invitation.objects.update(expires_at=timezone.now() + dt.timedelta(hours=1))
    again = service.invitation_resend(invitation=issued.invitation, by=home["admin"])
    assert again.token != issued.token and again.invitation.send_count == 2
    assert again.invitation.expires_at >= timezone.now() + dt.timedelta(days=6, hours=23)
    assert len(mail.outbox) == 2


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"email": "not-an-address", "kind": "coach"}, "email", "valid email"),
        ({"email": "x@example.org", "kind": "athlete"}, "kind", "valid choice"),
        ({"email": "x@example.org", "kind": "integration"}, "kind", "valid choice"),
        ({"email": "north-lead@example.org", "kind": "coach"}, "email", "already has a login"),
    ],
)
def test_bad_staff_invitations_are_refused_in_the_form(client, home, data, field, words):
    client.force_login(home["admin"])
    response = client.post(reverse("account:invite_staff"), data)
    assert response.status_code == 400
    assert words in str(response.context["invite_form"].errors[field])
    assert not Invitation.objects.exists() and mail.outbox == []


def test_a_second_invitation_to_the_same_address_is_refused(client, home):
    client.force_login(home["admin"])
    data = {"email": "twice@example.org", "kind": "physio"}
    assert client.post(reverse("account:invite_staff"), data).status_code == 200
    response = client.post(reverse("account:invite_staff"), data)
    assert response.status_code == 400
    assert "send it again" in str(response.context["invite_form"].errors["email"])
    assert Invitation.objects.count() == 1


def test_an_expired_invitation_makes_way_for_a_new_one(home):
    service.invitation_create(email="old@example.org", kind="physio", invited_by=home["admin"])
    Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(days=1))
    service.invitation_create(email="old@example.org", kind="physio", invited_by=home["admin"])
    assert [i.status for i in Invitation.objects.order_by("id")] == ["revoked", "pending"]


def test_only_administrators_invite_staff(client, home):
    client.force_login(home["lead"])
    response = client.post(
        reverse("account:invite_staff"), {"email": "x@example.org", "kind": "coach"}
    )
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        service.invitation_create(email="x@example.org", kind="coach", invited_by=home["lead"])
    assert not Invitation.objects.exists()


def test_a_foreign_clinic_s_people_are_out_of_reach(client, home, foreign):
    # Its team cannot be given, its athlete cannot be invited, its invitations cannot be touched.
    client.force_login(home["admin"])
    response = client.post(
        reverse("account:invite_staff"),
        {"email": "c@example.org", "kind": "coach", "teams": [foreign["team"].pk]},
    )
    assert response.status_code == 400 and not Invitation.objects.exists()
    client.force_login(home["lead"])
    url = reverse("account:athlete_invite", args=[foreign["athlete"].pk])
    assert client.get(url).status_code == 404
    theirs = service.invitation_create(
        email="s@example.org", kind="physio", invited_by=foreign["admin"]
    )
    client.force_login(home["admin"])
    revoke = reverse("account:invitation_revoke", args=[theirs.invitation.pk])
    assert client.post(revoke).status_code == 404
    page = client.get(reverse("account:clinic")).content.decode()
    assert "s@example.org" not in page and "south-lead" not in page and "Southside" not in page


def test_an_athlete_with_a_login_is_not_invited_twice(client, home):
    service.invitation_create(
        email="noor@example.org", kind="athlete", invited_by=home["lead"], athlete=home["athlete"]
    )
    service.invitation_accept(token=_token_of_last_mail(), password=PASSWORD)
    with pytest.raises(ApplicationError, match="already has a login"):
        service.invitation_create(
            email="other@example.org", kind="athlete", invited_by=home["lead"],
            athlete=home["athlete"],
        )  # fmt: skip


def _token_of_last_mail() -> str:
    return _link(mail.outbox[-1]).rstrip("/").rsplit("/", 1)[1]


def test_two_accepts_of_one_link_make_one_login(home):
    service.invitation_create(email="once@example.org", kind="physio", invited_by=home["admin"])
    token = _token_of_last_mail()
    service.invitation_accept(token=token, password=PASSWORD, first_name="O", last_name="N")
    with pytest.raises(ApplicationError, match="used already"):
        service.invitation_accept(token=token, password=PASSWORD, first_name="O", last_name="N")
    assert User.objects.filter(email="once@example.org").count() == 1


def test_a_weak_password_is_refused_and_the_link_still_works(client, home):
    issued = service.invitation_create(
        email="weak@example.org", kind="physio", invited_by=home["admin"]
    )
    data = {"first_name": "W", "last_name": "K", "password": "123", "password_again": "123"}
    response = client.post(issued.path, data)
    assert response.status_code == 400 and not User.objects.filter(email="weak@example.org")
    assert Invitation.objects.get().status == "pending"


def test_the_first_superuser_names_the_clinic_and_administers_it(client, db):
    root = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    client.force_login(root)
    assert client.get(reverse("home")).url == reverse("account:clinic_setup")
    response = client.post(reverse("account:clinic_setup"), {"name": "Harbour Sports Medicine"})
    assert response.status_code == 302
    root.refresh_from_db()
    assert root.clinic.name == "Harbour Sports Medicine" and root.is_clinic_admin
    page = client.get(reverse("account:clinic")).content.decode()
    assert "Invite a staff member" in page


def test_one_open_invitation_per_athlete_and_accepting_ends_the_others(client, home):
    first = service.invitation_create(
        email="noor@example.org", kind="athlete", invited_by=home["lead"], athlete=home["athlete"]
    )
    with pytest.raises(ApplicationError, match="has an invitation waiting"):
        service.invitation_create(
            email="noor.other@example.org", kind="athlete", invited_by=home["lead"],
            athlete=home["athlete"],
        )  # fmt: skip
    # An older one made some other way (before this rule) is ended when one is accepted.
    stray = Invitation.objects.create(
        clinic=home["clinic"], email="stray@example.org", kind="athlete", athlete=home["athlete"],
        token_hash="f" * 64, expires_at=timezone.now() + dt.timedelta(days=3),
    )  # fmt: skip
    service.invitation_accept(token=first.token, password=PASSWORD)
    stray.refresh_from_db()
    assert stray.status == "revoked"
    with pytest.raises(ApplicationError):
        service.invitation_resend(invitation=stray, by=home["lead"])


def test_the_same_person_added_twice_changes_nothing_and_tells_nobody(home):
    from athletes.services import care_team_add
    from monitoring.models import Notification
    from tests.factories import UserFactory

    physio = UserFactory(username="north-physio", kind="physio", clinic=home["clinic"])
    care_team_add(case=home["case"], user=physio, role="physio", added_by=home["lead"])
    again = care_team_add(case=home["case"], user=physio, role="physio", added_by=home["lead"])
    assert again.unchanged and Notification.objects.filter(recipient=physio).count() == 1


def test_a_team_name_is_one_whatever_its_case(client, home):
    client.force_login(home["lead"])
    response = client.post(reverse("account:team_create"), {"name": "NORTHSIDE CLINIC HARRIERS"})
    assert response.status_code == 400
    assert "has a team of that name" in response.content.decode()
