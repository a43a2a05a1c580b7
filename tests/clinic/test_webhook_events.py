"""The evaluation's flags reach the webhooks: a red flag raised by night pain is a
``flag.opened`` delivery for the integration account on the case, in the summary view only;
an endpoint of an account not on the case, or not subscribed, gets nothing."""

from __future__ import annotations

import json

import pytest

from monitoring.models import WebhookDelivery, WebhookEndpoint
from tests.factories import UserFactory

from .conftest import raise_red_flag

pytestmark = pytest.mark.django_db


def _endpoint(owner, events):
    return WebhookEndpoint.objects.create(
        owner=owner, url="https://hooks.example.org/", events=events, secret="whsec_A"
    )


def test_the_evaluations_flags_are_told_to_the_integration_on_the_case(
    case, plan, team, integration
):
    mine = _endpoint(integration, ["flag.opened"])
    not_subscribed = _endpoint(
        UserFactory(username="sync2", kind="integration"), ["session.created"]
    )
    stranger = _endpoint(UserFactory(username="sync3", kind="integration"), ["flag.opened"])

    raise_red_flag(case, team["clinician"])

    told = WebhookDelivery.objects.filter(endpoint=mine).order_by("id")
    kinds = sorted(json.loads(d.body)["data"]["flag"]["kind"] for d in told)
    assert kinds == ["red_flag", "regression"]
    assert {d.event for d in told} == {"flag.opened"}
    for delivery in told:
        flag = json.loads(delivery.body)["data"]["flag"]
        assert "title" not in flag and "message" not in flag
        assert "night" not in delivery.body.lower() and "pain" not in delivery.body.lower()
    assert not WebhookDelivery.objects.filter(endpoint__in=[not_subscribed, stranger]).exists()
