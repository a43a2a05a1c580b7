"""The clinic's webhooks page: its administrators register an endpoint (the secret shown once),
send a test event and read the delivery; other staff and other clinics reach nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from athletes.models import Clinic, User
from monitoring.models import WebhookDelivery, WebhookEndpoint
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def harbour(clinician, physio):
    clinic = Clinic.objects.create(name="Harbour Clinic")
    User.objects.filter(pk__in=[clinician.pk, physio.pk]).update(clinic=clinic)
    User.objects.filter(pk=clinician.pk).update(is_clinic_admin=True)
    return clinic


def test_an_administrator_registers_an_endpoint_and_sends_a_test(client, clinician, harbour):
    client.force_login(clinician)
    page = reverse("clinic:webhooks")
    response = client.get(page)
    assert response.status_code == 200 and b"No endpoint yet" in response.content
    response = client.post(
        page, {"url": "http://127.0.0.1:9/hooks", "events": ["flag.opened", "case.discharged"]}
    )
    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.clinic_id == harbour.pk and endpoint.owner_id is None
    assert endpoint.secret in response.content.decode()  # shown this once
    assert endpoint.secret not in client.get(page).content.decode()
    action = reverse("clinic:webhook_action", kwargs={"webhook_id": endpoint.pk})
    with_test = client.post(action, {"action": "test"})
    assert with_test.status_code == 302
    assert WebhookDelivery.objects.get().event == "webhook.test"
    assert b"webhook.test" in client.get(page).content
    rotated = client.post(action, {"action": "rotate"})
    endpoint_after = WebhookEndpoint.objects.get()
    assert endpoint_after.secret != endpoint.secret
    assert endpoint_after.secret in rotated.content.decode()


def test_a_bad_address_is_a_400_with_its_reason(client, clinician, harbour, settings):
    settings.REHAB_WEBHOOKS_ALLOW_PRIVATE = False
    client.force_login(clinician)
    response = client.post(
        reverse("clinic:webhooks"), {"url": "https://10.0.0.8/", "events": ["flag.opened"]}
    )
    assert response.status_code == 400
    assert b"private or local address" in response.content
    assert not WebhookEndpoint.objects.exists()


def test_other_staff_and_other_clinics_reach_nothing(client, clinician, physio, harbour):
    endpoint = WebhookEndpoint.objects.create(
        clinic=harbour, url="https://hooks.example.org/", events=["flag.opened"], secret="whsec_A"
    )
    action = reverse("clinic:webhook_action", kwargs={"webhook_id": endpoint.pk})
    client.force_login(physio)
    assert client.get(reverse("clinic:webhooks")).status_code == 404
    assert client.post(action, {"action": "delete"}).status_code == 404
    elsewhere = UserFactory(username="orla", kind="clinician", is_clinic_admin=True)
    User.objects.filter(pk=elsewhere.pk).update(clinic=Clinic.objects.create(name="Other"))
    client.force_login(elsewhere)
    assert client.post(action, {"action": "delete"}).status_code == 404
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()
    client.force_login(clinician)
    assert client.post(action, {"action": "delete"}).status_code == 302
    assert not WebhookEndpoint.objects.exists()
