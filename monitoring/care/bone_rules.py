"""Pure rules of the bone-health work-up: which facts trigger a work-up and why, which tasks a
trigger asks for and which results answer them, and energy availability with its bands (the
results' units, conversions and thresholds: ``bone_results``). No ORM, no clock: callers pass
the facts and today.

Every trigger answers "met", "not met" or "unknown" (a fact not recorded): unknown is never read
as "no trigger" (clinical.md, "unknown is never met"). Sources are named on each rule; cut-offs
without a validated source are labelled "clinic protocol" and are editable defaults here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from monitoring.care import reds
from monitoring.care.bone_results import RESULT_KINDS

MET, NOT_MET, UNKNOWN, NOT_APPLICABLE = "met", "not_met", "unknown", "not_applicable"
STATUS_LABELS = {
    MET: "Work-up due",
    NOT_MET: "No trigger",
    UNKNOWN: "Not recorded — ask",
    NOT_APPLICABLE: "Not applicable",
}

SOURCES = {
    "triad": "De Souza et al., BJSM 2014;48:289 (Female Athlete Triad cumulative risk assessment)",
    "reds": "Mountjoy et al., BJSM 2023;57:1073 (IOC REDs CAT2)",
    "ea": "Burke et al., IJSNEM 2018;28:350 (energy availability)",
    "vitd": "Larson-Meyer, GSSI Sports Science Exchange 2015 (vitamin D)",
    "sites": "De Souza et al. 2014 and Mountjoy et al. 2023 (femoral neck, sacrum, pelvis: "
    "trabecular sites)",
    "clinic": "clinic protocol (editable default)",
}

ADULT_AGE = 18
LOW_BMI = Decimal("18.5")  # kg/m², Triad CRA (De Souza 2014)
OLIGO_PERIODS = 9  # 9 or fewer periods in 12 months (Triad CRA bands: > 9 / 6–9 / < 6)
LOW_EA = Decimal("30")  # kcal/kg FFM/day (Burke 2018)
OPTIMAL_EA = Decimal("45")

EATING_NONE, EATING_DISORDERED, EATING_DISORDER = "none", "disordered", "disorder"
EATING_HISTORY_LABELS = {
    "": "Not recorded",
    EATING_NONE: "None known",
    EATING_DISORDERED: "Disordered eating (past or present)",
    EATING_DISORDER: "Diagnosed eating disorder (past or present)",
}


@dataclass(frozen=True)
class Facts:
    """What is recorded about the athlete and the case; None is "not recorded"."""

    sex: str  # "female" | "male" | "other" | "unknown"
    age: int | None
    trabecular_site: bool
    prior_bsi_count: int | None
    periods_last_12_months: int | None = None
    menstrual_status: str = ""  # Case.menstrual_status, used when the count is not recorded
    height_cm: Decimal | None = None
    weight_kg: Decimal | None = None
    eating_history: str = ""  # "" (not recorded) | none | disordered | disorder
    latest_ea: Decimal | None = None  # kcal/kg FFM/day, the latest record
    reds: RedsAnswers | None = None  # the latest REDs CAT2 screen's answers


@dataclass(frozen=True)
class RedsAnswers:
    """The latest REDs CAT2 screen's indicators as answered (``monitoring.care.reds``): present,
    absent; those not assessed are in neither."""

    on: dt.date
    present: frozenset[str] = frozenset()
    absent: frozenset[str] = frozenset()

    @classmethod
    def of(cls, on: dt.date, answers: dict | None) -> RedsAnswers | None:
        if not answers:
            return None
        return cls(
            on,
            frozenset(k for k, v in answers.items() if v is True),
            frozenset(k for k, v in answers.items() if v is False),
        )

    def said(self, keys: Sequence[str]) -> tuple[list[str], bool]:
        """(the indicators of ``keys`` present, whether every one of ``keys`` was answered
        absent)."""
        return [k for k in keys if k in self.present], all(k in self.absent for k in keys)

    def reason(self, present: list[str]) -> str:
        words = "; ".join(reds.INDICATORS[k][0] for k in present)
        return f"REDs screen of {day_text(self.on)}: {words}."


@dataclass(frozen=True)
class Trigger:
    key: str
    label: str
    status: str  # MET | NOT_MET | UNKNOWN | NOT_APPLICABLE
    reason: str
    source: str

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def day_text(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def age_on(born: dt.date | None, today: dt.date) -> int | None:
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def bmi(height_cm: Decimal | None, weight_kg: Decimal | None) -> Decimal | None:
    """Body-mass index, kg/m², one decimal; None without both facts."""
    if not height_cm or not weight_kg:
        return None
    metres = Decimal(height_cm) / 100
    return (Decimal(weight_kg) / (metres * metres)).quantize(Decimal("0.1"), ROUND_HALF_UP)


# --- the triggers, one rule each ----------------------------------------------------------------


def trigger_bsi_count(f: Facts) -> Trigger:
    label, source = "Two or more bone stress injuries", SOURCES["reds"]
    # The REDs screen's BSI history (≥ 1 high-risk or ≥ 2 low-risk BSIs in 2 years) counts too;
    # at a trabecular site it is set by the injury itself, which its own trigger reads.
    screened = [] if f.reds is None or f.trabecular_site else f.reds.said(["bsi_history"])[0]
    if screened:
        return Trigger("bsi_count", label, MET, f.reds.reason(screened), source)
    if f.prior_bsi_count is None:
        return Trigger(
            "bsi_count", label, UNKNOWN, "Prior bone stress injuries not recorded.", source
        )
    total = f.prior_bsi_count + 1
    if total >= 2:
        return Trigger(
            "bsi_count", label, MET, f"This injury and {f.prior_bsi_count} before: {total}.", source
        )
    return Trigger("bsi_count", label, NOT_MET, "This is the first bone stress injury.", source)


def trigger_trabecular(f: Facts) -> Trigger:
    label = "Trabecular site (femoral neck, sacrum, pelvis)"
    if f.trabecular_site:
        return Trigger(
            "trabecular", label, MET, "The injury is at a trabecular site.", SOURCES["sites"]
        )
    return Trigger("trabecular", label, NOT_MET, "Not a trabecular site.", SOURCES["sites"])


MENSTRUAL_INDICATORS = ("primary_amenorrhoea", "secondary_amenorrhoea", "oligomenorrhoea")


def trigger_menses(f: Facts) -> Trigger:
    label, source = "Oligo- or amenorrhoea (9 or fewer periods in 12 months)", SOURCES["triad"]
    if f.sex == "male":
        return Trigger("menses", label, NOT_APPLICABLE, "Not applicable.", source)
    present, all_absent = f.reds.said(MENSTRUAL_INDICATORS) if f.reds else ([], False)
    if present:  # a screen that found menstrual dysfunction is met whatever else is recorded
        return Trigger("menses", label, MET, f.reds.reason(present), SOURCES["reds"])
    if f.periods_last_12_months is not None:
        n = f.periods_last_12_months
        if n <= OLIGO_PERIODS:
            kind = "amenorrhoea" if n < 6 else "oligomenorrhoea"
            return Trigger("menses", label, MET, f"{n} periods in 12 months ({kind}).", source)
        return Trigger("menses", label, NOT_MET, f"{n} periods in 12 months.", source)
    if f.menstrual_status in {"oligomenorrhea", "amenorrhea"}:
        return Trigger(
            "menses", label, MET, f"Menstrual status recorded: {f.menstrual_status}.", source
        )
    if f.menstrual_status == "regular" and f.sex == "female":
        return Trigger("menses", label, NOT_MET, "Menstrual status recorded as regular.", source)
    if all_absent:
        return Trigger(
            "menses",
            label,
            NOT_MET,
            f"REDs screen of {day_text(f.reds.on)}: no amenorrhoea or oligomenorrhoea.",
            SOURCES["reds"],
        )
    return Trigger("menses", label, UNKNOWN, "Periods in the last 12 months not recorded.", source)


def trigger_low_bmi(f: Facts) -> Trigger:
    label, source = "Low BMI (< 18.5 kg/m² in adults)", SOURCES["triad"]
    if f.age is None:
        return Trigger("low_bmi", label, UNKNOWN, "Date of birth not recorded.", source)
    if f.age < ADULT_AGE:
        return Trigger(
            "low_bmi",
            label,
            UNKNOWN,
            "Not assessed: under 18, BMI does not apply; % of expected weight is needed "
            "(De Souza 2014).",
            source,
        )
    value = bmi(f.height_cm, f.weight_kg)
    if value is None:
        return Trigger("low_bmi", label, UNKNOWN, "Height or weight not recorded.", source)
    if value < LOW_BMI:
        return Trigger("low_bmi", label, MET, f"BMI {value} kg/m².", source)
    return Trigger("low_bmi", label, NOT_MET, f"BMI {value} kg/m².", source)


def trigger_eating(f: Facts) -> Trigger:
    label, source = "Eating-disorder or disordered-eating history", SOURCES["triad"]
    screened = f.reds.said(["eating_disorder"])[0] if f.reds else []
    if screened and f.eating_history != EATING_DISORDER:
        return Trigger("eating", label, MET, f.reds.reason(screened), SOURCES["reds"])
    # A screen without an elevated EDE-Q says nothing of the past: the history stays asked.
    if not f.eating_history:
        return Trigger("eating", label, UNKNOWN, "Eating history not recorded.", source)
    text = EATING_HISTORY_LABELS.get(f.eating_history, f.eating_history)
    status = NOT_MET if f.eating_history == EATING_NONE else MET
    return Trigger("eating", label, status, text + ".", source)


def trigger_low_ea(f: Facts) -> Trigger:
    label, source = "Low energy availability (< 30 kcal/kg FFM/day)", SOURCES["ea"]
    present, absent = f.reds.said(["low_ea"]) if f.reds else ([], False)
    measured = ""
    if f.latest_ea is not None:
        measured = f"Latest {f.latest_ea} kcal/kg FFM/day ({ea_band(f.latest_ea)})."
        if f.latest_ea < LOW_EA:
            return Trigger("low_ea", label, MET, measured, source)
    if present:  # low EA or sub-clinical disordered eating found on the screen
        reason = f.reds.reason(present) + (f" {measured}" if measured else "")
        return Trigger("low_ea", label, MET, reason, SOURCES["reds"])
    if measured:
        return Trigger("low_ea", label, NOT_MET, measured, source)
    if absent:
        return Trigger(
            "low_ea",
            label,
            NOT_MET,
            f"Not measured; the REDs screen of {day_text(f.reds.on)} found no low energy "
            "availability or disordered eating.",
            SOURCES["reds"],
        )
    return Trigger("low_ea", label, UNKNOWN, "Energy availability not recorded.", source)


RULES = (
    trigger_bsi_count,
    trigger_trabecular,
    trigger_menses,
    trigger_low_bmi,
    trigger_eating,
    trigger_low_ea,
)


def triggers(facts: Facts) -> list[Trigger]:
    return [rule(facts) for rule in RULES]


# --- tasks the triggers ask for ------------------------------------------------------------------

PHYSICIAN, NUTRITIONIST = "physician", "nutritionist"


@dataclass(frozen=True)
class TaskSpec:
    kind: str
    label: str
    role: str  # PHYSICIAN | NUTRITIONIST
    due_days: int  # clinic protocol (editable on the task)
    closes_with: tuple[str, ...]  # the result kinds ("ea", "reds" too) that answer it
    fresh_days: int  # a result this recent already answers it (clinic protocol)
    needs_all: bool = False  # every kind of ``closes_with`` (else any one of them)


TASKS: dict[str, TaskSpec] = {
    s.kind: s
    for s in (
        TaskSpec(
            "dxa",
            "DXA scan (BMD Z-scores)",
            PHYSICIAN,
            28,
            ("bmd_lumbar", "bmd_hip", "bmd_total"),
            365,
        ),
        TaskSpec("vitamin_d", "25(OH)D (vitamin D)", PHYSICIAN, 14, ("vitamin_d",), 90),
        TaskSpec(
            "labs",
            "Labs: ferritin, full blood count, thyroid (TSH)",
            PHYSICIAN,
            14,
            ("ferritin", "haemoglobin", "tsh"),
            90,
            needs_all=True,  # a ferritin alone is not the full blood count nor the TSH
        ),
        TaskSpec(
            "sex_hormones",
            "Sex hormones (oestradiol, LH, FSH; testosterone in men)",
            PHYSICIAN,
            14,
            ("oestradiol", "testosterone"),
            90,
        ),
        TaskSpec(
            "energy_availability",
            "Energy-availability assessment and REDs review",
            NUTRITIONIST,
            14,
            ("ea", "reds"),
            30,
            needs_all=True,  # a low EA asks for the REDs screen it does not replace
        ),
    )
}


@dataclass(frozen=True)
class TaskDue:
    kind: str
    reasons: tuple[str, ...] = field(default_factory=tuple)


def tasks_due(found: Sequence[Trigger], *, sex: str) -> list[TaskDue]:
    """The work-up the met triggers ask for (clinic protocol, after De Souza 2014 and Mountjoy
    2023): any trigger → DXA, 25(OH)D and labs; menstrual dysfunction, or two or more BSIs in a
    man → sex hormones; low BMI, an eating history, menstrual dysfunction or low EA → the
    nutritionist's energy-availability assessment."""
    met = {t.key: t.label for t in found if t.status == MET}
    if not met:
        return []
    every = tuple(met.values())
    due = [TaskDue("dxa", every), TaskDue("vitamin_d", every), TaskDue("labs", every)]
    hormones = [met[k] for k in ("menses",) if k in met]
    if sex == "male" and "bsi_count" in met:
        hormones.append(met["bsi_count"])
    if hormones:
        due.append(TaskDue("sex_hormones", tuple(hormones)))
    energy = [met[k] for k in ("low_bmi", "eating", "menses", "low_ea") if k in met]
    if energy:
        due.append(TaskDue("energy_availability", tuple(energy)))
    return due


def on_file(
    due: Sequence[TaskDue], latest: dict[str, dt.date], today: dt.date
) -> dict[str, tuple[tuple[str, dt.date], ...]]:
    """The due tasks recent enough results already answer: task kind → the (result kind, date)
    pairs that answer it. ``latest`` holds each result kind's latest date ("ea" for energy
    availability, "reds" for a complete REDs screen). Recent enough is the task's
    ``fresh_days`` (clinic protocol: a DXA within a year, blood tests within 90 days, an
    energy-availability assessment and REDs screen within 30 days); an older result asks again.
    A result dated after today (typed ahead) answers nothing. A task that ``needs_all`` (the
    labs, the energy assessment with its REDs screen) is answered only by all of its kinds."""
    found: dict[str, tuple[tuple[str, dt.date], ...]] = {}
    for d in due:
        spec = TASKS[d.kind]
        fresh = {
            k: latest[k]
            for k in spec.closes_with
            if k in latest and 0 <= (today - latest[k]).days <= spec.fresh_days
        }
        if spec.needs_all and len(fresh) == len(spec.closes_with):
            found[d.kind] = tuple((k, fresh[k]) for k in spec.closes_with)
        elif not spec.needs_all and fresh:
            found[d.kind] = (max(fresh.items(), key=lambda kv: kv[1]),)
    return found


def on_file_text(answers: Sequence[tuple[str, dt.date]]) -> str:
    """ "the Ferritin of 1 Oct 2026, the Haemoglobin of …" for ``on_file``'s pairs."""
    labels = {"ea": "Energy availability", "reds": "REDs screen"}
    return ", ".join(
        f"the {labels[k] if k in labels else RESULT_KINDS[k].label} of {day_text(day)}"
        for k, day in answers
    )


# --- energy availability -------------------------------------------------------------------------


def energy_availability(intake_kcal: Decimal, eee_kcal: Decimal, ffm_kg: Decimal) -> Decimal:
    """EA = (energy intake − exercise energy expenditure) / fat-free mass, kcal/kg FFM/day, one
    decimal (Burke et al. 2018). Raises ValueError on a zero or negative fat-free mass."""
    if ffm_kg <= 0:
        raise ValueError("Fat-free mass must be more than 0 kg.")
    return ((intake_kcal - eee_kcal) / ffm_kg).quantize(Decimal("0.1"), ROUND_HALF_UP)


def ea_band(ea: Decimal) -> str:
    """< 30 low; 30–45 reduced (subclinical); ≥ 45 optimal (Burke et al. 2018)."""
    if ea < LOW_EA:
        return "low"
    if ea < OPTIMAL_EA:
        return "reduced"
    return "optimal"


EA_BAND_LABELS = {
    "low": "Low (< 30)",
    "reduced": "Reduced / subclinical (30–45)",
    "optimal": "Optimal (≥ 45)",
}
