"""The new-case form's preview: what the chosen site and risk factors imply for the plan."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from athletes.models import Case
from athletes.sites import BY_CODE, HIGH, TRABECULAR_SITES, Site, site_risk
from protocols.selectors import templates_for_case

# --- new case: what the risk factors imply --------------------------------------------------------


@dataclass(frozen=True)
class Implication:
    tone: str  # "red" | "amber" | "info"
    title: str
    detail: str


@dataclass(frozen=True)
class Implications:
    site_label: str
    risk: str  # "high" | "low" | ""
    risk_label: str
    typical_return: str
    items: tuple[Implication, ...]
    templates: tuple[Any, ...] = ()


def case_implications(data: Mapping[str, Any], *, suggest: bool = True) -> Implications | None:
    """What the chosen site and risk factors imply for the plan, in plain words.

    ``data`` holds the new-case form's values (cleaned or raw strings). Built on the model's own
    risk rules (``Case.bone_health_flags``, ``has_risk_factors``) and the template suggestions
    (``protocols.selectors.templates_for_case``), so the page says what the system will do.
    """
    site = str(data.get("site") or "")
    if site not in BY_CODE:
        return None
    info = BY_CODE[site]
    raised = str(data.get("raise_risk") or "").lower() in {"1", "true", "on", "yes"}
    risk = HIGH if raised else site_risk(site)
    case = Case(
        site=site,
        risk=risk,
        grade=_int(data.get("grade")),
        red_s_screen=str(data.get("red_s_screen") or Case.Screen.NOT_SCREENED),
        menstrual_status=str(data.get("menstrual_status") or Case.Menstrual.NOT_APPLICABLE),
        prior_bsi_count=_int(data.get("prior_bsi_count")) or 0,
        vitamin_d_nmol_l=_decimal(data.get("vitamin_d_nmol_l")),
    )
    # Whether a conservative variant exists for the site: only then is it "suggested first".
    candidates = templates_for_case(case)
    has_conservative = any(t.conservative for t in candidates)
    items = [
        *_site_items(case, info, raised=raised),
        *_conservative_items(case, info, has_conservative=has_conservative),
        *_referral_items(case),
        *_screen_items(case, info),
    ] or [
        Implication(
            "info",
            "Standard progression",
            "A low-risk site without risk factors: the standard template for the site.",
        )
    ]
    return Implications(
        site_label=info.label,
        risk=risk,
        risk_label=Case.Risk(risk).label,
        typical_return=_typical_return(info),
        items=tuple(items),
        templates=tuple(candidates[:3]) if suggest else (),
    )


def _site_items(case: Case, info: Site, *, raised: bool) -> list[Implication]:
    """A high risk (the site's or the clinician's choice) and the tension-side femoral neck."""
    items = []
    if case.risk == HIGH:
        why = "chosen by the clinician" if raised and info.risk != HIGH else "a high-risk site"
        items.append(
            Implication(
                "red",
                f"High risk for healing complications ({why})",
                "Protected loading first (offloading as the site needs), clinician sign-off "
                "gates before impact, and only high-risk templates are offered. Any regression "
                "rule that fires raises a red flag for review.",
            )
        )
    if case.site == "femoral_neck_tension":
        items.append(
            Implication(
                "red",
                "Tension-side femoral neck: non-weight-bearing and an urgent orthopaedic referral",
                "Refer today (displacement risk). No phase beyond touch-down weight bearing "
                "starts until the orthopaedic decision is recorded on the case; a fracture line "
                "over 50% of the neck or an effusion, once recorded, raises a red flag "
                "(clinical.md §11; Medscape).",
            )
        )
    return items


def _conservative_items(case: Case, info: Site, *, has_conservative: bool) -> list[Implication]:
    """A high grade and bone-health risk factors call for a conservative plan."""
    items = []
    grade = case.grade or 0
    if grade >= 3:
        items.append(
            Implication(
                "amber",
                f"Grade {grade}: a conservative template",
                "Higher grades take longer to return (grade 3: 12–16 weeks of relative rest "
                "before return; grade 4: 16 weeks or more). "
                + (
                    "The conservative variant is suggested first."
                    if has_conservative
                    else f"No conservative variant exists for the {info.label.lower()}: "
                    "lengthen the phases when you build the plan."
                ),
            )
        )
    bone = case.bone_health_flags
    if bone:
        items.append(
            Implication(
                "amber",
                "Bone-health risk factors: a conservative plan",
                "; ".join(bone)
                + ". "
                + (
                    "The conservative variant is suggested first."
                    if has_conservative
                    else f"No conservative variant exists for the {info.label.lower()}: the "
                    "plan drafted adds a bone-health screen gate before impact (the latest "
                    "screen must clear)."
                ),
            )
        )
    return items


def _screen_positive(case: Case) -> bool:
    return case.red_s_screen == Case.Screen.POSITIVE or case.menstrual_status in {
        Case.Menstrual.OLIGOMENORRHEA,
        Case.Menstrual.AMENORRHEA,
    }


def referral_reasons(case: Case) -> list[str]:
    """Why the athlete sees the nutritionist, in words (none: no referral)."""
    reasons = []
    if case.red_s_screen == Case.Screen.POSITIVE:
        reasons.append("positive RED-S / Triad screen")
    if case.menstrual_status in {Case.Menstrual.OLIGOMENORRHEA, Case.Menstrual.AMENORRHEA}:
        reasons.append("menstrual dysfunction")
    if case.vitamin_d_nmol_l is not None and case.vitamin_d_nmol_l < 75:
        reasons.append("25(OH)D below 75 nmol/L")
    if case.prior_bsi_count >= 2:
        reasons.append(f"{case.prior_bsi_count} prior bone stress injuries")
    return reasons


def _referral_items(case: Case) -> list[Implication]:
    reasons = referral_reasons(case)
    if not reasons:
        return []
    return [
        Implication(
            "amber",
            "Refer to the nutritionist",
            "Because of " + ", ".join(reasons) + ": energy availability, calcium and "
            "vitamin D review (REDs). The case page offers the clinic's nutritionists as "
            "one-click adds to the care team.",
        )
    ]


def _screen_items(case: Case, info: Site) -> list[Implication]:
    """The bone-health screen: required at a trabecular site, recommended when not done."""
    if case.site in TRABECULAR_SITES:
        return [
            Implication(
                "info",
                "Trabecular site: the bone-health screen is required",
                f"{info.label} is a trabecular site linked to low energy availability: it "
                "scores 2 points on the Triad assessment by itself, and the plan drafted gates "
                "impact on a bone-health screen (a complete Triad score for women, a REDs "
                "screen for men).",
            )
        ]
    if case.red_s_screen == Case.Screen.NOT_SCREENED and not _screen_positive(case):
        return [
            Implication(
                "info",
                "RED-S / Triad screen not done",
                "Screening before running resumes is recommended for every athlete with a "
                "bone stress injury.",
            )
        ]
    return []


def _typical_return(info: Site) -> str:
    if not info.typical_return_days:
        return ""
    typical = f"Typical return for this site: {info.typical_return_days} days"
    if info.return_days_ci:
        typical += f" (95% CI {info.return_days_ci[0]}–{info.return_days_ci[1]})"
    return typical + ", pooled data of Hoenig et al. 2023."


def _int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except ArithmeticError:
        return None
