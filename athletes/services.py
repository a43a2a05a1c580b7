"""Writes of athletes, cases and care teams."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import uuid
import zipfile
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import NestedObjects
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import IntegrityError, models, router, transaction
from django.db.models import PROTECT, ProtectedError, Q
from django.utils import timezone

from athletes import permissions
from athletes.audit import audited
from athletes.models import Athlete, CareTeamMember, Case, ErasureRecord, SharingConsent, Team, User
from athletes.sites import BY_CODE, HIGH, grading_errors, site_risk
from rehab.errors import ApplicationError


def athlete_create(
    *,
    first_name: str,
    last_name: str,
    date_of_birth: dt.date | None = None,
    sex: str = Athlete.Sex.UNKNOWN,
    sport: str = "",
    team: Team | None = None,
    user: User | None = None,
) -> Athlete:
    athlete = Athlete(
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        date_of_birth=date_of_birth,
        sex=sex,
        sport=sport,
        team=team,
        user=user,
    )
    _full_clean(athlete)
    athlete.save()
    return athlete


@transaction.atomic
@audited(by="created_by", reason="Case opened")
def case_open(
    *,
    athlete: Athlete,
    site: str,
    diagnosed_on: dt.date,
    created_by: User,
    creator_role: str = CareTeamMember.Role.LEAD_CLINICIAN,
    risk: str | None = None,
    **details,
) -> Case:
    """Open a case; the creator joins its care team, and so does the athlete's own login.

    The risk class follows the site; a clinician may raise a low-risk site to high, never
    lower a high-risk one.
    """
    if site not in BY_CODE:
        raise ApplicationError("Unknown injury site.", {"site": "Choose a site from the list."})
    errors = grading_errors(
        site, details.get("grading_system") or Case.GradingSystem.NONE, details.get("grade")
    )
    if errors:
        raise ApplicationError("The grading scale does not fit the site.", errors)
    default_risk = site_risk(site)
    if risk is None:
        risk = default_risk
    elif default_risk == HIGH and risk != HIGH:
        raise ApplicationError(
            "A high-risk site cannot be treated as low risk.",
            {"risk": f"{BY_CODE[site].label} is a high-risk site for healing complications."},
        )
    case = Case(
        athlete=athlete,
        site=site,
        diagnosed_on=diagnosed_on,
        risk=risk,
        created_by=created_by,
        **details,
    )
    _full_clean(case)
    case.save()
    CareTeamMember.objects.create(
        case=case, user=created_by, role=creator_role, added_by=created_by
    )
    if athlete.user_id and athlete.user_id != created_by.pk:
        CareTeamMember.objects.create(
            case=case,
            user_id=athlete.user_id,
            role=CareTeamMember.Role.ATHLETE,
            added_by=created_by,
        )
    consent_defaults_record(case=case, recorded_by=created_by)
    return case


@audited(by="added_by", reason="Care team changed")
def care_team_add(*, case: Case, user: User, role: str, added_by: User) -> CareTeamMember:
    """Add a member or change their role. Only lead clinicians and clinicians may."""
    if not permissions.can_manage_care_team(added_by, case):
        raise ApplicationError("You may not change this care team.")
    if role not in CareTeamMember.Role.values:
        raise ApplicationError("Unknown role.", {"role": "Choose a role from the list."})
    if role == CareTeamMember.Role.ATHLETE and case.athlete.user_id != user.pk:
        raise ApplicationError(
            "Only the athlete's own login can hold the athlete role.", {"role": "Not this user."}
        )
    try:
        with transaction.atomic():
            member, _ = CareTeamMember.objects.update_or_create(
                case=case, user=user, defaults={"role": role, "added_by": added_by}
            )
    except IntegrityError:  # a concurrent add of the same person: theirs stands, then ours
        member = CareTeamMember.objects.get(case=case, user=user)
        member.role = role
        member.save(update_fields=["role"])
    case.__dict__.pop("_role_cache", None)
    consent_defaults_record(case=case, recorded_by=added_by)
    return member


@audited(by="removed_by", reason="Removed from the care team")
def care_team_remove(*, case: Case, user: User, removed_by: User) -> None:
    if not permissions.can_manage_care_team(removed_by, case):
        raise ApplicationError("You may not change this care team.")
    leads = CareTeamMember.objects.filter(case=case, role__in=permissions.TEAM_MANAGERS)
    if not leads.exclude(user=user).exists():
        raise ApplicationError("A case needs at least one clinician on its care team.")
    CareTeamMember.objects.filter(case=case, user=user).delete()
    case.__dict__.pop("_role_cache", None)


def _full_clean(instance) -> None:
    try:
        instance.full_clean()
    except ValidationError as exc:
        raise ApplicationError.from_django(exc) from exc


# --- consent and data rights (issue 11) ----------------------------------------------------------

audit_log = logging.getLogger("rehab.audit")


def consent_defaults_record(*, case: Case, recorded_by: User | None) -> list[SharingConsent]:
    """Record "consent given" for each role now on the case that the athlete has not answered.

    The default (see ``athletes.permissions``): a clinic that puts a person on the care team has
    the athlete's agreement to share with that role; the athlete can withdraw it at any time on
    their own page. An existing answer — a withdrawal above all — is never overwritten here.
    """
    roles = set(
        CareTeamMember.objects.filter(case=case, role__in=permissions.CONSENT_ROLES).values_list(
            "role", flat=True
        )
    )
    known = set(
        SharingConsent.objects.filter(athlete_id=case.athlete_id, role__in=roles).values_list(
            "role", flat=True
        )
    )
    created = []
    for role in sorted(roles - known):
        consent = SharingConsent(
            athlete_id=case.athlete_id,
            role=role,
            given=True,
            changed_at=timezone.now(),
            changed_by=recorded_by,
        )
        consent._change_reason = "Given when the role joined the care team (default)"
        try:
            with transaction.atomic():
                consent.save()
        except IntegrityError:  # recorded concurrently: that answer stands
            continue
        created.append(consent)
    return created


@transaction.atomic
@audited(
    by="changed_by",
    reason=lambda kw: "Given by the athlete" if kw["given"] else "Withdrawn by the athlete",
)
def consent_set(*, athlete: Athlete, role: str, given: bool, changed_by: User) -> SharingConsent:
    """The athlete gives or withdraws consent to share with one care-team role.

    Takes effect at once for every case of the athlete (``athletes.permissions``). Setting the
    answer it already has changes nothing and records nothing.
    """
    if not permissions.can_manage_consent(changed_by, athlete):
        raise ApplicationError("Only the athlete can change who their data is shared with.")
    if role not in permissions.CONSENT_ROLES:
        raise ApplicationError(
            "This role cannot be changed.", {"role": "Choose one of the roles listed."}
        )
    consent = SharingConsent.objects.select_for_update().filter(athlete=athlete, role=role).first()
    if consent is not None and consent.given == bool(given):
        return consent
    if consent is None:
        consent = SharingConsent(athlete=athlete, role=role)
    consent.given = bool(given)
    consent.changed_at = timezone.now()
    consent.changed_by = changed_by
    try:
        with transaction.atomic():
            consent.save()
    except IntegrityError:  # a first answer recorded concurrently: this later one stands
        consent = SharingConsent.objects.select_for_update().get(athlete=athlete, role=role)
        consent.given, consent.changed_at = bool(given), timezone.now()
        consent.changed_by = changed_by
        consent.save()
    return consent


def consent_state(athlete: Athlete) -> dict[str, SharingConsent | None]:
    """Role → the athlete's recorded answer (None: not asked yet, which counts as given)."""
    recorded = {c.role: c for c in SharingConsent.objects.filter(athlete=athlete)}
    return {role: recorded.get(role) for role in sorted(permissions.CONSENT_ROLES)}


def _athlete_records(athlete: Athlete) -> dict[type[models.Model], set[models.Model]]:
    """Every row that belongs to the athlete: what deleting them (and their login) would delete.

    Django's deletion collector follows every cascading foreign key from the athlete and their
    login, so a model added later is found without a change here. Rows that point at the athlete's
    data with ``PROTECT`` (the decisions of a plan point at its phases) are the athlete's too.
    """
    collector = NestedObjects(using=router.db_for_write(Athlete))
    roots: list[models.Model] = [athlete]
    if athlete.user_id:
        roots.append(athlete.user)
    for root in roots:  # one model per call
        collector.collect([root])
    found: dict[type[models.Model], set[models.Model]] = {}
    for model, objs in collector.model_objs.items():
        found.setdefault(model, set()).update(objs)
    for obj in collector.protected:
        found.setdefault(type(obj), set()).add(obj)
    return found


def _history_model(model: type[models.Model]) -> type[models.Model] | None:
    attr = getattr(model._meta, "simple_history_manager_attribute", None)
    return getattr(model, attr).model if attr else None


Pks = dict[type[models.Model], set[Any]]
OWNER_MODELS = {
    "athlete": "athletes.Athlete",
    "case": "athletes.Case",
    "plan": "protocols.Plan",
    "phase": "protocols.PlanPhase",
}
"""The owners whose ids lead to history rows (a field of that name must point at that model)."""


def _pks(records: Mapping[type[models.Model], set[models.Model]]) -> Pks:
    return {model: {o.pk for o in objs} for model, objs in records.items()}


def _history_rows(pks: Pks) -> dict[type[models.Model], list[models.Model]]:
    """History model → its rows about the athlete, including rows of objects deleted earlier
    (a removed phase, a replaced draft plan, a former care-team member): those are found through
    the ids of the athlete, their cases, plans and phases, wherever a history row carries one."""
    owners: dict[str, set[Any]] = {"athlete": set(), "case": set(), "plan": set(), "phase": set()}
    for model, ids in pks.items():
        for key, label in OWNER_MODELS.items():
            if model._meta.label == label:
                owners[key].update(ids)
    # Cases, plans and phases deleted before today: from their own history, owner by owner.
    for key, model_name, parent in (
        ("case", "athletes.Case", "athlete"),
        ("plan", "protocols.Plan", "case"),
        ("phase", "protocols.PlanPhase", "plan"),
    ):
        try:
            history = _history_model(apps.get_model(model_name))
        except LookupError:
            continue
        if history is not None and owners[parent]:
            found = history.objects.filter(**{f"{parent}_id__in": owners[parent]})
            owners[key].update(found.values_list("id", flat=True))
    rows: dict[type[models.Model], list[models.Model]] = {}
    for model in apps.get_models():
        history = _history_model(model)
        if history is None:
            continue
        condition = Q(id__in=pks.get(model, set()))
        for key, values in owners.items():
            if not values:
                continue
            try:
                target = history._meta.get_field(key).related_model
            except FieldDoesNotExist:
                continue
            if target is not None and target._meta.label == OWNER_MODELS[key]:
                condition |= Q(**{f"{key}_id__in": values})
        found = list(history.objects.filter(condition).order_by("history_date", "history_id"))
        if found:
            rows[history] = found
    return rows


NOT_EXPORTED_APPS = frozenset(
    {"authtoken", "sessions", "otp_totp", "otp_static", "otp_hotp", "otp_email", "axes"}
)
"""Credentials that cascade from the login (API tokens, second-factor secrets): erased, never
exported."""

ACCOUNT_FIELDS = ("id", "username", "first_name", "last_name", "email", "kind", "date_joined")
"""What of the athlete's login is theirs to take away (never the password hash)."""


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _row(obj: models.Model) -> dict[str, Any]:
    if isinstance(obj, User):
        return {name: _plain(getattr(obj, name)) for name in ACCOUNT_FIELDS}
    return {f.attname: _plain(getattr(obj, f.attname)) for f in obj._meta.concrete_fields}


def athlete_data(athlete: Athlete) -> dict[str, list[dict[str, Any]]]:
    """All of the athlete's data by kind (``app.model``), each row as plain values."""
    records = _athlete_records(athlete)
    data: dict[str, list[dict[str, Any]]] = {}
    for model, objs in records.items():
        if model._meta.app_label in NOT_EXPORTED_APPS:
            continue
        rows = [_row(o) for o in objs]
        data[model._meta.label_lower] = sorted(rows, key=lambda r: r.get("id") or 0)
    for history, found in _history_rows(_pks(records)).items():
        data[history._meta.label_lower] = [_row(r) for r in found]
    return dict(sorted(data.items()))


def athlete_export(*, case: Case, exported_by: User) -> tuple[str, bytes]:
    """A zip of all of the case's athlete's data: ``data.json`` and one CSV per kind of record.

    Every case of the athlete, their plans, phases, decisions, logs, sessions, device samples,
    assessments, flags, consents and the history of each — nothing of anyone else's case.
    """
    if not permissions.can_export_athlete(exported_by, case):
        raise ApplicationError("Only the lead clinician of each of the athlete's cases may export.")
    athlete = case.athlete
    data = athlete_data(athlete)
    now = timezone.now()
    names = {m._meta.label_lower: m._meta.verbose_name_plural for m in apps.get_models()}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        payload = {
            "exported_at": now.isoformat(),
            "exported_by": str(exported_by),
            "athlete_id": athlete.pk,
            "records": data,
        }
        archive.writestr("data.json", json.dumps(payload, indent=2, default=str))
        lines = [
            f"All data held about athlete record #{athlete.pk}, exported {now:%Y-%m-%d %H:%M} UTC",
            f"by {exported_by}.",
            "",
            "data.json holds every record; csv/ holds one file per kind of record:",
        ]
        for label, rows in data.items():
            archive.writestr(f"csv/{label}.csv", _csv(rows))
            lines.append(f"  csv/{label}.csv — {names.get(label, label)}: {len(rows)}")
        archive.writestr("README.txt", "\n".join(lines) + "\n")
    audit_log.info(
        "athlete %s exported by user %s (%s kinds)", athlete.pk, exported_by.pk, len(data)
    )
    filename = f"athlete-{athlete.pk}-{now:%Y%m%d}.zip"
    return filename, buffer.getvalue()


def _csv(rows: Sequence[Mapping[str, Any]]) -> str:
    columns: list[str] = []
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                k: json.dumps(v) if isinstance(v, list | dict) else ("" if v is None else v)
                for k, v in row.items()
            }
        )
    return out.getvalue()


def _same_name(typed: str, athlete: Athlete) -> bool:
    def norm(text: str) -> str:
        return " ".join(str(text or "").split()).casefold()

    return bool(norm(typed)) and norm(typed) == norm(athlete.full_name)


@transaction.atomic
def athlete_erase(*, case: Case, erased_by: User, confirm_name: str, reason: str) -> ErasureRecord:
    """Erase the case's athlete: every case and record, their history, and their login.

    Keeps an ``ErasureRecord`` — who, when, why and how many records of each kind — and none of
    the erased data. The person types the athlete's full name to confirm.
    """
    if not permissions.can_erase_athlete(erased_by, case):
        raise ApplicationError("Only the lead clinician of each of the athlete's cases may erase.")
    athlete = Athlete.objects.select_for_update().get(pk=case.athlete_id)
    errors = {}
    if not _same_name(confirm_name, athlete):
        errors["confirm_name"] = "Type the athlete's full name exactly as shown to confirm."
    if not str(reason or "").strip():
        errors["reason"] = "Say why the athlete's data is erased (e.g. the athlete's request)."
    if errors:
        raise ApplicationError("The athlete was not erased.", errors)
    former_id = athlete.pk
    records = _athlete_records(athlete)
    pks = _pks(records)  # deleting clears the instances' primary keys
    case_count = len(pks.get(Case, ()))
    counts: dict[str, int] = {}

    def add(label: str, n: int) -> None:
        if n:
            counts[label] = counts.get(label, 0) + n

    login = athlete.user if athlete.user_id else None
    # Rows that protect the athlete's data from deletion (a plan's decisions) go first.
    protected = {obj for objs in records.values() for obj in objs if _protects(obj, pks)}
    for obj in sorted(protected, key=lambda o: o._meta.label):
        _, deleted = obj.delete()
        for label, n in deleted.items():
            add(label, n)
    _, deleted = athlete.delete()
    for label, n in deleted.items():
        add(label, n)
    if login is not None:
        try:
            with transaction.atomic():
                _, deleted = login.delete()
            for label, n in deleted.items():
                add(label, n)
        except ProtectedError:  # the login made records others keep: it stays, anonymous
            login.username = f"erased-{login.pk}"
            login.first_name = login.last_name = login.email = ""
            login.is_active = False
            login.set_unusable_password()
            login.save()
            add("athletes.User (anonymized)", 1)
    for history, rows in _history_rows(pks).items():
        n, _ = history.objects.filter(history_id__in=[r.history_id for r in rows]).delete()
        add("history rows", n)
    for model, ids in pks.items():
        content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
        n, _ = LogEntry.objects.filter(
            content_type=content_type, object_id__in=[str(pk) for pk in ids]
        ).delete()
        add("admin log entries", n)
    record = ErasureRecord.objects.create(
        erased_by=erased_by,
        erased_by_name=str(erased_by)[:160],
        reason=reason.strip(),
        former_athlete_id=former_id,
        case_count=case_count,
        counts=dict(sorted(counts.items())),
    )
    audit_log.info("athlete %s erased by user %s", record.former_athlete_id, erased_by.pk)
    return record


def _protects(obj: models.Model, pks: Pks) -> bool:
    """Does this row point with ``PROTECT`` at another row of the athlete?"""
    return any(
        f.is_relation
        and f.remote_field.on_delete is PROTECT
        and f.related_model is not User  # the login itself is anonymized instead
        and getattr(obj, f.attname) in pks.get(f.related_model, ())
        for f in obj._meta.concrete_fields
    )
