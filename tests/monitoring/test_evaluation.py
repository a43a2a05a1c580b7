"""Scenarios from clinical.md, evaluated into flags that explain themselves."""

import datetime as dt
import smtplib

import pytest
from django.core.mail.backends import locmem

from monitoring.evaluation import flags, services, tasks
from monitoring.ingest import items
from monitoring.models import CaseEvaluation, Flag, Notification

from .conftest import D0, log_days


def day(n: int) -> dt.date:
    return D0 + dt.timedelta(days=n)


def evaluate(case, n):
    return services.case_evaluate(case_id=case.pk, today=day(n))


def open_kinds(case):
    return set(
        Flag.objects.filter(case=case, status__in=Flag.UNRESOLVED).values_list("kind", flat=True)
    )


def hop_test(case, clinician, n, hops=12, pain=1):
    items.assessment_record(
        case=case,
        test="single_leg_hop",
        value=hops,
        pain=pain,
        date=day(n),
        assessed_by=clinician,
        today=day(n),
    )


def test_all_criteria_met_for_the_minimum_days_is_ready_to_advance(
    walk_run, case, athlete_user, clinician
):
    log_days(case, athlete_user, range(0, 15), pain_during=1, pain_rest=0, pain_character="dull")
    hop_test(case, clinician, 13)
    evaluation = evaluate(case, 14)
    assert evaluation.ready
    flag = Flag.objects.get(case=case, kind="ready_to_advance")
    # The flag lists each criterion with its value and threshold.
    assert "14" in flag.message and "2/10" in flag.message and "12" in flag.message
    assert [r["kind"] for r in flag.evaluation["advance"]] == [
        "min_days_in_phase",
        "pain_max",
        "assessment",
    ]
    assert CaseEvaluation.objects.get(case=case).evaluation["ready"] is True


def test_too_early_is_not_ready_even_when_pain_free(walk_run, case, athlete_user, clinician):
    log_days(case, athlete_user, range(0, 10), pain_during=0)
    hop_test(case, clinician, 9)
    assert not evaluate(case, 9).ready
    assert "ready_to_advance" not in open_kinds(case)


def test_unknown_data_never_advances(walk_run, case, athlete_user):
    log_days(case, athlete_user, range(0, 15), pain_during=0)  # no hop test at all
    evaluation = evaluate(case, 14)
    assert not evaluation.ready
    hop = next(r for r in evaluation.advance if r.kind == "assessment")
    assert hop.met is None
    assert "ready_to_advance" not in open_kinds(case)


def test_pain_rising_week_over_week_proposes_a_step_back(walk_run, case, athlete_user):
    log_days(case, athlete_user, range(0, 7), pain_during=1)
    log_days(case, athlete_user, range(7, 14), pain_during=3)
    evaluate(case, 13)
    flag = Flag.objects.get(case=case, kind="regression")
    assert flag.proposed_phase.name == "Protected loading"
    assert "Protected loading" in flag.message
    assert flag.coach_message and "pain" not in flag.coach_message.lower()


def test_night_pain_is_a_red_flag_in_the_same_evaluation(
    walk_run, case, athlete_user, clinician, physio, coach, mailoutbox
):
    log_days(case, athlete_user, range(0, 5), pain_during=1)
    log_days(case, athlete_user, [5], pain_during=1, night_pain=True)
    evaluate(case, 5)
    flag = Flag.objects.get(case=case, kind="red_flag")
    assert "night" in flag.message.lower()
    notified = set(
        Notification.objects.filter(flag=flag).values_list("recipient__username", flat=True)
    )
    assert notified == {"dana", "sam"}  # the clinician and the physio; never the coach


def _night_pain_red_flag(case, athlete_user) -> Flag:
    log_days(case, athlete_user, range(0, 5), pain_during=1)
    log_days(case, athlete_user, [5], pain_during=1, night_pain=True)
    evaluate(case, 5)
    return Flag.objects.get(case=case, kind="red_flag")


def test_new_flags_are_emailed_to_the_clinical_team_only(
    walk_run, case, athlete_user, clinician, physio, coach, mailoutbox
):
    flag = _night_pain_red_flag(case, athlete_user)
    assert tasks.send_flags_emails([flag.pk]) == 2
    assert sorted(m.to[0] for m in mailoutbox) == sorted([clinician.email, physio.email])
    for message in mailoutbox:
        assert str(case.athlete) in message.subject and flag.title in message.subject
        assert flag.message in message.body


def test_resolved_flags_are_not_emailed(walk_run, case, athlete_user, clinician, mailoutbox):
    flag = _night_pain_red_flag(case, athlete_user)
    flags.flag_acknowledge(flag=flag, by=clinician)
    flags.flag_resolve(flag=flag, by=clinician, resolution="Seen in clinic.")
    assert tasks.send_flags_emails([flag.pk]) == 0
    assert tasks.send_flag_emails(flag.pk) == 0
    assert mailoutbox == []


class RefusingBackend(locmem.EmailBackend):
    """Refuses the messages of flags titled "Refused"; delivers the others."""

    def send_messages(self, messages):
        if any("Refused" in m.subject for m in messages):
            raise smtplib.SMTPDataError(554, "Refused")
        return super().send_messages(messages)


def test_a_flag_whose_emails_fail_is_queued_alone_and_the_others_go(
    walk_run, case, athlete_user, clinician, physio, mailoutbox, settings, monkeypatch
):
    flag = _night_pain_red_flag(case, athlete_user)
    refused = Flag.objects.create(
        case=case, phase=flag.phase, kind="regression", title="Refused", message="m", evaluation={}
    )
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    queued = []
    monkeypatch.setattr(tasks.send_flag_emails, "delay", queued.append)
    assert tasks.send_flags_emails([refused.pk, flag.pk]) == 2
    assert queued == [refused.pk]
    assert {m.subject for m in mailoutbox} == {f"[rehab] {case.athlete}: {flag.title}"}


def test_red_flags_stay_until_a_clinician_resolves_them(walk_run, case, athlete_user, clinician):
    log_days(case, athlete_user, [5], pain_during=1, pain_character="sharp", localized=True)
    evaluate(case, 5)
    log_days(case, athlete_user, range(6, 12), pain_during=0, pain_character="none")
    evaluate(case, 11)
    flag = Flag.objects.get(case=case, kind="red_flag")
    assert flag.status == "open"
    flags.flag_acknowledge(flag=flag, by=clinician)
    flags.flag_resolve(flag=flag, by=clinician, resolution="Seen in clinic; bruise.")
    flag.refresh_from_db()
    assert (flag.status, flag.resolved_by) == ("resolved", clinician)


def test_three_days_without_a_log_is_missing_logs_and_a_new_log_resolves_it(
    walk_run, case, athlete_user
):
    log_days(case, athlete_user, range(0, 5), pain_during=0)
    evaluate(case, 7)
    flag = Flag.objects.get(case=case, kind="missing_logs")
    assert "3 days" in flag.title
    log_days(case, athlete_user, [8], pain_during=0)
    evaluate(case, 8)
    flag.refresh_from_db()
    assert flag.status == "resolved" and flag.resolved_by is None
    assert "no longer holds" in flag.resolution


def test_evaluating_again_changes_nothing(walk_run, case, athlete_user):
    log_days(case, athlete_user, range(0, 5), pain_during=1)
    log_days(case, athlete_user, [5], pain_during=7)
    evaluate(case, 5)
    before = list(Flag.objects.order_by("pk").values("pk", "kind", "status", "updated_at"))
    evaluate(case, 5)
    assert list(Flag.objects.order_by("pk").values("pk", "kind", "status", "updated_at")) == before


def test_load_spike_warns_but_never_holds_or_regresses(walk_run, case, athlete_user):
    for n in range(0, 28):
        items.activity_session_record(
            athlete=case.athlete,
            date=day(n - 28),
            submitted_by=athlete_user,
            today=day(30),
            fields={"activity": "cycle", "minutes": 30, "rpe": 3},
        )
    for n in range(0, 5):
        items.activity_session_record(
            athlete=case.athlete,
            date=day(n),
            submitted_by=athlete_user,
            today=day(30),
            fields={"activity": "run", "minutes": 60, "rpe": 7},
        )
    log_days(case, athlete_user, range(0, 5), pain_during=0)
    evaluation = evaluate(case, 4)
    assert open_kinds(case) >= {"load_spike"}
    assert "regression" not in open_kinds(case)
    assert not evaluation.fired


def test_a_phase_change_resolves_the_old_phases_flags(walk_run, case, athlete_user, clinician):
    from protocols import services as plan_services

    log_days(case, athlete_user, range(0, 3), pain_during=7)
    evaluate(case, 2)
    assert "regression" in open_kinds(case)
    walk_run.refresh_from_db()
    plan_services.transition_decide(
        plan=walk_run,
        kind="regress",
        decided_by=clinician,
        reason="Pain above 5 during runs",
        effective_on=day(3),
    )
    evaluate(case, 3)
    regression = Flag.objects.get(case=case, kind="regression")
    assert regression.status == "resolved" and "phase changed" in regression.resolution


def test_a_case_without_an_active_plan_is_not_evaluated(case, clinician):
    assert services.case_evaluate(case_id=case.pk, today=day(0)) is None
    assert not Flag.objects.exists()


def test_coaches_cannot_manage_flags(walk_run, case, athlete_user, coach):
    log_days(case, athlete_user, [0], pain_during=1, night_pain=True)
    evaluate(case, 0)
    flag = Flag.objects.get(kind="red_flag")
    from rehab.errors import ApplicationError

    with pytest.raises(ApplicationError):
        flags.flag_acknowledge(flag=flag, by=coach)


def test_nightly_chunk_evaluates_many_cases(walk_run, case, athlete_user):
    log_days(case, athlete_user, range(0, 3), pain_during=0)
    assert services.cases_evaluate(case_ids=[case.pk, 999_999], today=day(6)) == 1
    assert "missing_logs" in open_kinds(case)


def test_chunk_reads_give_the_orms_rows(walk_run, case, athlete_user, clinician):
    """The nightly reads give, chunk after chunk, the rows the ORM gives for the same
    querysets."""

    from monitoring.evaluation import selectors
    from monitoring.evaluation import windows as windows_read
    from protocols.models import Plan

    log_days(case, athlete_user, range(0, 6), pain_during=1, pain_character="dull")
    hop_test(case, clinician, 3)
    other = Plan.objects.get(pk=walk_run.pk)  # the same plan under a case id list of its own
    first = selectors.chunk_snapshots([case.pk, 999_999], day(6))
    again = selectors.chunk_snapshots([case.pk], day(6))  # a second chunk: prepared statements
    assert [c.snapshot for c in first] == [c.snapshot for c in again]
    (ctx,) = again
    assert (ctx.case.pk, ctx.plan.pk, ctx.phase.pk) == (case.pk, other.pk, other.current_phase_id)
    assert ctx.previous_phase.order == ctx.phase.order - 1
    assert [entry.day for entry in ctx.snapshot.logs][-6:] == [day(n) for n in range(0, 6)]
    assert [a.test for a in ctx.snapshot.assessments] == ["single_leg_hop"]
    # The logs of the phase (it began on day 0): those the ORM gives for the same columns.
    orm_logs = list(windows_read.log_rows([case.athlete_id], day(0), day(6)))
    assert [row[1:] for row in orm_logs] == [tuple(entry) for entry in ctx.snapshot.logs]
    assert selectors.chunk_snapshots([999_999], day(6)) == []


def test_the_flags_to_reconcile_are_the_unresolved_flags_without_their_evaluation(
    walk_run, case, athlete_user, clinician
):
    from monitoring.evaluation import selectors

    log_days(case, athlete_user, [0], pain_during=1, night_pain=True)
    evaluate(case, 0)
    log_days(case, athlete_user, [1], pain_during=8)
    evaluate(case, 1)
    resolved = Flag.objects.create(
        case=case, phase=walk_run.current_phase, kind="load_spike", title="t", message="m",
        evaluation={}, status="resolved",
    )  # fmt: skip
    expected = list(selectors.unresolved_flags([case.pk, 999_999]).defer("evaluation"))
    assert len(expected) >= 2 and resolved not in expected
    got = selectors.unresolved_flags_to_reconcile([case.pk, 999_999])
    assert sorted(got, key=lambda f: f.pk) == sorted(expected, key=lambda f: f.pk)
    fields = [f.attname for f in Flag._meta.concrete_fields if f.attname != "evaluation"]
    by_pk = {f.pk: f for f in expected}
    for flag in got:
        assert flag.get_deferred_fields() == {"evaluation"}
        assert not flag._state.adding
        assert [getattr(flag, n) for n in fields] == [getattr(by_pk[flag.pk], n) for n in fields]
        assert flag.evaluation == Flag.objects.get(pk=flag.pk).evaluation  # read when asked for


def test_the_clinical_team_is_that_of_the_care_team_query(case, athlete_user):
    """Who hears of a red flag: active members of clinical roles whose role the athlete has not
    withdrawn consent for, with or without an address: the same as the ORM query says."""
    from django.utils import timezone

    from athletes import permissions
    from athletes.models import SharingConsent
    from monitoring.evaluation import selectors
    from tests.factories import CareTeamMemberFactory, CaseFactory, UserFactory

    other = CaseFactory()
    for role, user in (
        ("physio", phys := UserFactory(username="phys")),
        ("lead_clinician", UserFactory(username="lead", email="")),
        ("clinician", UserFactory(username="gone", is_active=False)),
        ("coach", UserFactory(username="coachy")),
        ("nutritionist", UserFactory(username="nutri")),
        ("clinician", UserFactory(username="coaching", kind="coach")),
    ):
        CareTeamMemberFactory(case=case, user=user, role=role)
        CareTeamMemberFactory(case=other, user=user, role=role)
    for withdrawn in ("physio", "coach"):  # a coach is bound by it whatever their role
        SharingConsent.objects.create(
            athlete=other.athlete, role=withdrawn, given=False, changed_at=timezone.now(),
            changed_by=athlete_user,
        )  # fmt: skip
    expected = sorted(
        permissions.members_with_consent()
        .filter(
            case_id__in=[case.pk, other.pk, 999_999],
            role__in=permissions.CLINICAL_ROLES,
            user__is_active=True,
        )
        .values_list("case_id", "user_id", "user__email")
    )
    got = selectors.clinical_team([other.pk, case.pk, 999_999, case.pk])
    assert got == expected
    names = {(case_id, email) for case_id, _, email in got}
    assert (case.pk, "phys@example.org") in names and (case.pk, "") in names
    assert (other.pk, "phys@example.org") not in names  # consent withdrawn for physios
    assert (case.pk, "coaching@example.org") in names
    assert (other.pk, "coaching@example.org") not in names  # and for coaches
    assert not {"gone@example.org", "coachy@example.org", "nutri@example.org"} & {
        email for _, _, email in got
    }
    assert selectors.clinical_team([]) == []
    # who is e-mailed of an overdue review: the same people, with an address
    from monitoring.care import services as care_services

    teams = care_services.clinical_team_ids([case.pk, other.pk])
    assert teams == {
        case_id: [user_id for c, user_id, email in got if c == case_id and email]
        for case_id in {c for c, _, email in got if email}
    }
    assert phys.pk in teams[case.pk] and phys.pk not in teams.get(other.pk, [])
