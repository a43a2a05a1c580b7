"""The return-to-play decision form (StARRT) in Debian's chromium at a desktop size
(1366×900): refused with its errors on the page, then recorded; the readiness trend with the
psychologist suggestion and its one click; the coach's page with the outcome only."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from athletes.models import CareTeamMember, Clinic, User
from monitoring.care import readiness_rules as rules
from monitoring.care.services.readiness import readiness_record
from monitoring.ingest.checks import athlete_today
from protocols.models import ReturnDecision
from tests.athlete.test_browser import axe_serious
from tests.browser import log_in
from tests.factories import AthleteFactory, CaseFactory

from .conftest import published_template, running_plan
from .test_browser import desktop  # noqa: F401 — the desktop page fixture

pytestmark = pytest.mark.browser

PASSWORD = "s3cret-pass"


@pytest.mark.django_db(transaction=True)
def test_the_decision_form_refuses_then_records(desktop: Page, live_server, artifacts):  # noqa: F811
    page = desktop
    today = athlete_today()
    clinic = Clinic.objects.create(name="Riverside")
    dana = User.objects.create_user(
        "dana", password=PASSWORD, first_name="Dana", last_name="Okafor", kind="clinician",
        clinic=clinic,
    )  # fmt: skip
    alex = User.objects.create_user(
        "alex", password=PASSWORD, first_name="Alex", last_name="Moreau", kind="coach",
        clinic=clinic,
    )  # fmt: skip
    User.objects.create_user(
        "ike", password=PASSWORD, first_name="Ike", last_name="Tanaka", kind="psychologist",
        clinic=clinic,
    )  # fmt: skip
    case = CaseFactory(
        athlete=AthleteFactory(first_name="Maya", last_name="Patel", clinic=clinic, sport="Running")
    )
    CareTeamMember.objects.create(case=case, user=dana, role="lead_clinician")
    CareTeamMember.objects.create(case=case, user=alex, role="coach")
    template = published_template(dana)
    running_plan(case, dana, started_on=today - dt.timedelta(days=30), phase=4, template=template)
    for weeks, tsk, iprrs in ((2, 40, [40, 30, 30, 30, 30, 30]), (0, 39, [60, 50, 40, 40, 40, 40])):
        day = today - dt.timedelta(days=7 * weeks)
        items = [4] * (tsk - 33) + [3] * (44 - tsk)
        readiness_record(case=case, by=dana, instrument=rules.TSK11, date=day, items=items)
        readiness_record(case=case, by=dana, instrument=rules.IPRRS, date=day, items=iprrs)

    log_in(page, live_server, "dana", PASSWORD)
    page.goto(f"{live_server.url}/clinic/cases/{case.pk}/")
    section = page.locator("#return-to-play")
    expect(section.get_by_role("heading", name="Return-to-play decision (StARRT)")).to_be_visible()
    expect(section.get_by_label("Sport")).to_have_value("Running")  # prefilled
    # Submitted with the required steps left empty: refused, the errors by their fields.
    section.get_by_label("Strength and hop results").fill("")
    section.get_by_role("button", name="Record the return-to-play decision").click()
    section = page.locator("#return-to-play")
    expect(page.locator(".messages")).to_contain_text("Nothing was recorded")
    expect(section.locator(".has-error")).to_have_count(
        6
    )  # tests, level, load, timing, decision, reasons
    assert ReturnDecision.objects.count() == 0
    page.screenshot(path=artifacts / "rtp-form-errors.png", full_page=True)

    section.get_by_label("Strength and hop results").fill("Single-leg hops 30, symmetry 93%.")
    section.get_by_label("Level").select_option("club")
    section.get_by_label("Planned load").fill("Four runs a week building to 40 km.")
    section.get_by_label("Timing in the season").select_option("pre")
    section.get_by_label("Fear of re-injury").fill("TSK-11 still high (39): psychologist asked.")
    section.get_by_label("Return with restrictions").check()
    section.get_by_label("Restrictions (in plain words, for the coach)").fill(
        "No races for three weeks."
    )
    section.get_by_label("Reasons for the decision").fill("Healed and strong; fear still high.")
    section.get_by_role("button", name="Record the return-to-play decision").click()
    expect(page.locator(".messages")).to_contain_text("Return-to-play decision recorded")
    recorded = page.get_by_test_id("rtp-latest")
    expect(recorded).to_contain_text("Return with restrictions")
    expect(recorded).to_contain_text("Restrictions: No races for three weeks.")
    assert ReturnDecision.objects.get().recorded_by == dana

    # The readiness trend and the suggestion: one click adds Ike.
    readiness = page.locator("#readiness")
    expect(readiness.locator(".js-plotly-plot")).to_have_count(1)
    suggestion = page.get_by_test_id("psychologist-suggestion")
    expect(suggestion).to_contain_text("TSK-11 of 39")
    page.screenshot(path=artifacts / "rtp-recorded.png", full_page=True)
    assert axe_serious(page) == []
    suggestion.get_by_role("button", name="Add Ike Tanaka to the care team").click()
    expect(page.locator(".messages")).to_contain_text("Ike Tanaka is on the care team")
    assert CareTeamMember.objects.filter(case=case, user__username="ike").exists()

    # The coach reads the outcome and the restrictions, nothing of the tissue.
    page.context.clear_cookies()
    log_in(page, live_server, "alex", PASSWORD)
    page.goto(f"{live_server.url}/coach/athletes/{case.pk}/")
    outcome = page.locator("#return-outcome")
    expect(outcome).to_contain_text("Cleared to return with restrictions from")
    expect(outcome).to_contain_text("No races for three weeks.")
    expect(page.locator("body")).not_to_contain_text("Single-leg hops 30")
    expect(page.locator("body")).not_to_contain_text("TSK-11")
    page.screenshot(path=artifacts / "rtp-coach.png", full_page=True)
