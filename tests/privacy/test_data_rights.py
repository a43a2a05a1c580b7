"""Export of all of an athlete's data (JSON + CSV in a zip) and their erasure, with its audit."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from django.db.models import ProtectedError
from django.urls import reverse

from athletes import permissions
from athletes import services as athlete_services
from athletes.models import Athlete, CareTeamMember, Case, ErasureRecord, SharingConsent, User
from monitoring.models import (
    ActivitySession,
    Assessment,
    DailyLog,
    DeviceMetric,
    Flag,
    PushSubscription,
)
from protocols.models import PhaseTransition, Plan, PlanEdit, PlanPhase
from rehab.errors import ApplicationError
from tests.factories import CaseFactory

from .conftest import edit_plan

pytestmark = pytest.mark.django_db

KINDS = {
    "athletes.athlete",
    "athletes.case",
    "athletes.careteammember",
    "athletes.sharingconsent",
    "athletes.user",
    "protocols.plan",
    "protocols.planphase",
    "protocols.phasetransition",
    "protocols.planedit",
    "monitoring.dailylog",
    "monitoring.activitysession",
    "monitoring.devicemetric",
    "monitoring.assessment",
    "monitoring.flag",
    # the history of each tracked kind
    "athletes.historicalcase",
    "athletes.historicalcareteammember",
    "athletes.historicalsharingconsent",
    "protocols.historicalplan",
    "protocols.historicalplanphase",
    "protocols.historicalphasetransition",
    "monitoring.historicaldailylog",
    "monitoring.historicalassessment",
    "monitoring.historicalflag",
}


def export(client, user, case):
    client.force_login(user)
    response = client.post(reverse("clinic:case_export", args=[case.pk]))
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_the_export_holds_every_kind_of_record_and_nothing_of_anyone_else(
    client, case, records, clinician, athlete_user, other
):
    edit_plan(records["plan"], clinician, reason="Slower progression")
    athlete_services.consent_set(
        athlete=case.athlete, role="coach", given=False, changed_by=athlete_user
    )
    archive = export(client, clinician, case)
    data = json.loads(archive.read("data.json"))
    records_ = data["records"]
    assert KINDS <= set(records_), KINDS - set(records_)
    assert data["athlete_id"] == case.athlete_id

    # Every record of the athlete, counted against the database.
    athlete = case.athlete
    expected = {
        "athletes.case": Case.objects.filter(athlete=athlete).count(),
        "protocols.plan": Plan.objects.filter(case__athlete=athlete).count(),
        "protocols.planphase": PlanPhase.objects.filter(plan__case__athlete=athlete).count(),
        "protocols.phasetransition": PhaseTransition.objects.filter(
            plan__case__athlete=athlete
        ).count(),
        "protocols.planedit": PlanEdit.objects.filter(plan__case__athlete=athlete).count(),
        "monitoring.dailylog": DailyLog.objects.filter(athlete=athlete).count(),
        "monitoring.activitysession": ActivitySession.objects.filter(athlete=athlete).count(),
        "monitoring.devicemetric": DeviceMetric.objects.filter(athlete=athlete).count(),
        "monitoring.assessment": Assessment.objects.filter(case__athlete=athlete).count(),
        "monitoring.flag": Flag.objects.filter(case__athlete=athlete).count(),
        "athletes.sharingconsent": SharingConsent.objects.filter(athlete=athlete).count(),
    }
    assert {k: len(records_[k]) for k in expected} == expected
    assert all(v > 0 for v in expected.values())
    assert records_["athletes.user"] == [
        {
            "id": athlete_user.pk,
            "username": athlete_user.username,
            "first_name": athlete_user.first_name,
            "last_name": athlete_user.last_name,
            "email": athlete_user.email,
            "kind": "athlete",
            "date_joined": athlete_user.date_joined.isoformat(),
        }
    ]
    assert "password" not in archive.read("data.json").decode()
    assert not any(k.startswith("authtoken") for k in records_)

    # Nothing of the other athlete: no id of theirs, no text of theirs.
    text = archive.read("data.json").decode()
    assert "other-" not in text and "Pia" not in text and "Lund" not in text
    other_case = other["case"]
    for row in records_["athletes.case"] + records_["athletes.historicalcase"]:
        assert row["athlete_id"] == athlete.pk and row["id"] != other_case.pk
    for row in records_["monitoring.dailylog"] + records_["monitoring.historicaldailylog"]:
        assert row["athlete_id"] == athlete.pk

    # One CSV per kind, with the same rows.
    names = set(archive.namelist())
    assert {f"csv/{k}.csv" for k in records_} <= names and "README.txt" in names
    logs = list(csv.DictReader(io.StringIO(archive.read("csv/monitoring.dailylog.csv").decode())))
    assert len(logs) == expected["monitoring.dailylog"]
    assert {r["note"] for r in logs} == {"diary 0", "diary 1", "diary 2"}


def test_only_the_lead_clinician_of_every_case_exports_or_erases(
    client, case, records, clinician, physio, coach, athlete_user, outsider
):
    for user in (physio, coach, athlete_user, outsider):
        client.force_login(user)
        assert client.post(reverse("clinic:case_export", args=[case.pk])).status_code == 404
        assert client.get(reverse("clinic:case_erase", args=[case.pk])).status_code == 404
        assert client.post(reverse("clinic:case_erase", args=[case.pk])).status_code == 404
    # A second case of the athlete led by someone else: the data rights are no longer Dana's.
    second = CaseFactory(athlete=case.athlete)
    CareTeamMember.objects.create(case=second, user=outsider, role="lead_clinician")
    fresh = Case.objects.get(pk=case.pk)
    assert not permissions.can_export_athlete(clinician, fresh)
    client.force_login(clinician)
    assert client.post(reverse("clinic:case_export", args=[case.pk])).status_code == 404
    with pytest.raises(ApplicationError):
        athlete_services.athlete_erase(
            case=fresh, erased_by=clinician, confirm_name=str(case.athlete), reason="asked"
        )


def test_export_is_a_post(client, case, records, clinician):
    client.force_login(clinician)
    assert client.get(reverse("clinic:case_export", args=[case.pk])).status_code == 405


def _snapshot(athlete_id):
    return {
        "cases": Case.objects.filter(athlete_id=athlete_id).count(),
        "logs": DailyLog.objects.filter(athlete_id=athlete_id).count(),
        "sessions": ActivitySession.objects.filter(athlete_id=athlete_id).count(),
        "metrics": DeviceMetric.objects.filter(athlete_id=athlete_id).count(),
        "plans": Plan.objects.filter(case__athlete_id=athlete_id).count(),
        "flags": Flag.objects.filter(case__athlete_id=athlete_id).count(),
        "assessments": Assessment.objects.filter(case__athlete_id=athlete_id).count(),
        "consents": SharingConsent.objects.filter(athlete_id=athlete_id).count(),
        "log history": DailyLog.history.filter(athlete_id=athlete_id).count(),
        "case history": Case.history.filter(athlete_id=athlete_id).count(),
        "phase history": PlanPhase.history.filter(
            plan_id__in=Plan.objects.filter(case__athlete_id=athlete_id).values("pk")
        ).count(),
        "flag history": Flag.history.filter(
            case_id__in=Case.objects.filter(athlete_id=athlete_id).values("pk")
        ).count(),
        "consent history": SharingConsent.history.filter(athlete_id=athlete_id).count(),
    }


def test_erasure_removes_everything_of_the_athlete_keeps_others_and_the_audit(
    client, case, records, clinician, athlete_user, other
):
    edit_plan(records["plan"], clinician, reason="Slower progression")
    athlete_id, case_id, plan_id = case.athlete_id, case.pk, records["plan"].pk
    phase_ids = list(PlanPhase.objects.filter(plan_id=plan_id).values_list("pk", flat=True))
    others_before = _snapshot(other["case"].athlete_id)
    assert all(others_before.values())
    name = case.athlete.full_name

    client.force_login(clinician)
    url = reverse("clinic:case_erase", args=[case.pk])
    page = client.get(url).content.decode()
    assert "Type the athlete" in page and name in page

    # Wrong name, no reason: a 400 with the fields' errors, nothing erased.
    response = client.post(url, {"confirm_name": "Someone Else", "reason": ""})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Type the athlete&#x27;s full name exactly" in body and "Say why the athlete" in body
    assert Athlete.objects.filter(pk=athlete_id).exists()

    response = client.post(url, {"confirm_name": f"  {name.upper()} ", "reason": "Athlete asked"})
    assert response.status_code == 302 and response.url == reverse("clinic:cases")

    assert not any(_snapshot(athlete_id).values()), _snapshot(athlete_id)
    assert not Athlete.objects.filter(pk=athlete_id).exists()
    assert not User.objects.filter(pk=athlete_user.pk).exists()
    assert not CareTeamMember.objects.filter(case_id=case_id).exists()
    assert not CareTeamMember.history.filter(case_id=case_id).exists()
    assert not Plan.history.filter(id=plan_id).exists()
    assert not PlanPhase.history.filter(plan_id=plan_id).exists()
    assert not PlanPhase.history.filter(id__in=phase_ids).exists()
    assert not PhaseTransition.history.filter(plan_id=plan_id).exists()
    assert not Flag.history.filter(case_id=case_id).exists()
    assert not Assessment.history.filter(case_id=case_id).exists()
    assert not SharingConsent.history.filter(athlete_id=athlete_id).exists()
    assert not PlanEdit.objects.filter(plan_id=plan_id).exists()

    # The other athlete is untouched; the clinicians stay.
    assert _snapshot(other["case"].athlete_id) == others_before
    assert User.objects.filter(pk=clinician.pk).exists()

    record = ErasureRecord.objects.get()
    assert record.erased_by == clinician and record.erased_by_name == str(clinician)
    assert record.reason == "Athlete asked" and record.former_athlete_id == athlete_id
    assert record.case_count == 1
    assert record.counts["monitoring.DailyLog"] == 3
    assert record.counts["athletes.Athlete"] == 1
    assert record.counts["history rows"] > 0
    kept = json.dumps(record.counts) + record.reason + record.erased_by_name
    assert name not in kept and athlete_user.username not in kept and "diary" not in kept

    # The case is gone: its pages are 404 for the former lead too.
    assert client.get(reverse("clinic:case", args=[case_id])).status_code == 404


def test_erase_needs_the_name_and_a_reason(case, records, clinician):
    with pytest.raises(ApplicationError) as exc:
        athlete_services.athlete_erase(
            case=case, erased_by=clinician, confirm_name="", reason="   "
        )
    assert set(exc.value.errors) == {"confirm_name", "reason"}
    assert Athlete.objects.filter(pk=case.athlete_id).exists()
    assert not ErasureRecord.objects.exists()


@pytest.mark.parametrize("login_kept", [False, True], ids=["login deleted", "login anonymized"])
def test_erasure_forgets_the_athletes_phones(
    case, clinician, athlete_user, monkeypatch, login_kept
):
    """A push subscription names a browser of the athlete's: it goes with them, also when their
    login stays as an anonymous author of records others keep."""
    PushSubscription.objects.create(
        user=athlete_user, endpoint="https://push.example.org/send/abc", p256dh="k", auth="a"
    )
    if login_kept:

        def protected(self, *args, **kwargs):
            raise ProtectedError("kept by another athlete's record", set())

        monkeypatch.setattr(User, "delete", protected)
    record = athlete_services.athlete_erase(
        case=case, erased_by=clinician, confirm_name=case.athlete.full_name, reason="asked"
    )
    assert not PushSubscription.objects.exists()
    assert record.counts.get("monitoring.PushSubscription") == 1
    assert User.objects.filter(pk=athlete_user.pk).exists() is login_kept


def test_cycle_entries_hidden_by_the_athlete_are_left_out_of_the_export(
    client, case, records, clinician, athlete_user
):
    """Off, cycle logging hides the entries from everyone (athletes.models.cycle): the lead
    clinician's export leaves them out and says so; on again, they are in it."""
    import datetime as dt

    from monitoring.care.services.cycle import cycle_consent_set, period_start_record

    athlete = case.athlete
    cycle_consent_set(athlete=athlete, by=athlete_user, given=True)
    started = athlete.today() - dt.timedelta(days=12)
    period_start_record(athlete=athlete, by=athlete_user, started_on=started)
    cycle_consent_set(athlete=athlete, by=athlete_user, given=False)
    archive = export(client, clinician, case)
    data = json.loads(archive.read("data.json"))["records"]
    assert "athletes.periodstart" not in data
    assert "csv/athletes.periodstart.csv" not in archive.namelist()
    assert not any(k.startswith("athletes.") and "period" in k for k in data)
    assert "Left out: the menstrual-cycle entries" in archive.read("README.txt").decode()

    cycle_consent_set(athlete=athlete, by=athlete_user, given=True)
    archive = export(client, clinician, case)
    data = json.loads(archive.read("data.json"))["records"]
    assert [row["started_on"] for row in data["athletes.periodstart"]] == [started.isoformat()]
    assert "Left out" not in archive.read("README.txt").decode()
