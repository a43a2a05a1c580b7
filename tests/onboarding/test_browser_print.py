"""The printed documents in Debian's chromium: the plan summary and the clearance letter each
print on one or two A4 pages (the browser's own PDF output, its pages counted)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page

from athletes.models import CareTeamMember
from monitoring.care.services.lifecycle import case_discharge
from monitoring.ingest.checks import athlete_today
from protocols import services as plan_services
from protocols.models import ProtocolTemplate
from tests.browser import log_in
from tests.factories import CaseFactory, UserFactory
from tests.plans import running_plan
from tests.return_to_play import record_return_decision

pytestmark = pytest.mark.browser

SUMMARY = (
    "Back to full training after a posteromedial tibial stress reaction.\n"
    "Keep: two strength sessions a week (calf raises, hops), mileage up by no more than 10% a "
    "week, softer surfaces for easy runs, shoes changed every 600 km.\n"
    "Stop and call us if pain comes back at the same spot, at rest or at night."
)


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


@pytest.mark.django_db(transaction=True)
def test_the_plan_summary_and_the_letter_print_on_one_or_two_a4_pages(
    page: Page, live_server, artifacts
):
    today = athlete_today()
    dana = UserFactory(
        username="dana", kind="clinician", first_name="Dana", last_name="Reid",
        contact_phone="+44 20 7946 0018", contact_email="clinic@example.org",
    )  # fmt: skip
    case = CaseFactory(diagnosed_on=today - dt.timedelta(days=60))
    CareTeamMember.objects.create(case=case, user=dana, role="lead_clinician")
    # The longest shipped plan for the site: seven phases, each with its rules.
    plan_services.install_shipped_templates()
    template = ProtocolTemplate.objects.get(slug="tibia-low-risk", status="published")
    assert template.phases.count() >= 7
    running_plan(case, dana, started_on=today - dt.timedelta(days=40), phase=3, template=template)
    log_in(page, live_server, "dana", "s3cret-pass")
    page.goto(f"{live_server.url}/clinic/cases/{case.pk}/plan-summary/")
    page.screenshot(path=artifacts / "print-plan-summary.png", full_page=True)
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.emulate_media(media="print")
    page.screenshot(path=artifacts / "print-plan-summary-as-printed.png", full_page=True)
    pdf = page.pdf(format="A4", print_background=True)
    (artifacts / "print-plan-summary.pdf").write_bytes(pdf)
    assert 1 <= _pages(pdf) <= 2

    record_return_decision(case, dana, today=today)
    case_discharge(
        case=case, by=dana, returned_on=today, outcome="full", summary=SUMMARY,
        before_plan_end=True,
    )  # fmt: skip
    page.goto(f"{live_server.url}/clinic/cases/{case.pk}/clearance-letter/")
    page.screenshot(path=artifacts / "print-clearance-letter.png", full_page=True)
    pdf = page.pdf(format="A4", print_background=True)
    (artifacts / "print-clearance-letter.pdf").write_bytes(pdf)
    assert _pages(pdf) == 1
