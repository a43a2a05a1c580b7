"""The vocabulary of injury sites, with their two kinds of risk (see docs/criteria.md).

- Healing-complication risk (non-union, displacement, slow return): Diehl, Best & Kaeding,
  Clin Sports Med 2006;25:17-28; Hoenig et al., BJSM 2023;57:427-32.
- Patella: high risk (Robertson & Wood, "Lower limb stress fractures in sport", World J Orthop
  2017;8:242-55).
- Femoral neck, both sides: a displaced femoral-neck fracture can mean avascular necrosis, so the
  compression side gets the high-risk rules too (Robertson & Wood, "Femoral neck stress
  fractures in sport", Sports Med Int Open 2017;1:E58-68; clinical.md §11).
- Bone-health (trabecular) sites feed the bone-health screens: De Souza et al., BJSM
  2014;48:289 (Female Athlete Triad cumulative risk assessment); Mountjoy et al., BJSM
  2023;57:1073 (IOC REDs CAT2).
"""

from __future__ import annotations

from dataclasses import dataclass

HIGH = "high"
LOW = "low"


@dataclass(frozen=True)
class Site:
    code: str
    label: str
    risk: str
    trabecular: bool = False
    # Pooled days to return to sport, with 95% CI (Hoenig et al., BJSM 2023; 2,974 BSIs).
    typical_return_days: int | None = None
    return_days_ci: tuple[int, int] | None = None


SITES: tuple[Site, ...] = (
    Site("femoral_neck_tension", "Femoral neck (tension side)", HIGH, True, 107, (79, 135)),
    Site("anterior_tibia", "Anterior tibial cortex", HIGH),
    Site("medial_malleolus", "Medial malleolus", HIGH),
    Site("talus", "Talus (lateral process)", HIGH),
    Site("navicular", "Navicular", HIGH, False, 127, (102, 151)),
    Site("mt5_proximal", "Proximal 5th metatarsal (diaphysis)", HIGH),
    Site("mt2_base", "2nd metatarsal base", HIGH),
    Site("sesamoid", "Great-toe sesamoid", HIGH),
    Site("patella", "Patella", HIGH),
    Site("femoral_neck_compression", "Femoral neck (compression side)", HIGH, True, 107, (79, 135)),
    Site("posteromedial_tibia", "Posteromedial tibia", LOW, False, 44, (27, 61)),
    Site("fibula", "Fibula", LOW, False, 56, (13, 100)),
    Site("femoral_shaft", "Femoral shaft", LOW),
    Site("pelvis", "Pelvis", LOW, True),
    Site("sacrum", "Sacrum", LOW, True),
    Site("calcaneus", "Calcaneus", LOW),
    Site("metatarsal_shaft", "2nd–4th metatarsal shaft", LOW),
    Site("other", "Other site", LOW),
)

BY_CODE: dict[str, Site] = {s.code: s for s in SITES}
SITE_CHOICES: list[tuple[str, str]] = [(s.code, s.label) for s in SITES]
SITE_RISK: dict[str, str] = {s.code: s.risk for s in SITES}
TRABECULAR_SITES: frozenset[str] = frozenset(s.code for s in SITES if s.trabecular)
FEMORAL_NECK_SITES: frozenset[str] = frozenset({"femoral_neck_tension", "femoral_neck_compression"})
TIBIAL_SITES: frozenset[str] = frozenset({"anterior_tibia", "posteromedial_tibia"})
FOOT_SITES: frozenset[str] = frozenset(
    {"navicular", "mt5_proximal", "mt2_base", "metatarsal_shaft", "sesamoid", "talus", "calcaneus"}
)


def site_risk(code: str) -> str:
    """The healing-complication risk class of a site; unknown codes count as high (safe side)."""
    site = BY_CODE.get(code)
    return site.risk if site else HIGH


# --- grading scales by site (clinical.md §2) ---------------------------------------------------
# Fredericson's MRI scale was written for the tibia (AJSM 1995;23:472-81); Arendt's MRI scale and
# Kaeding-Miller's (JBJS Am 2013;95:1214-20) apply at any site. Highest grade of each scale.
GRADING_MAX: dict[str, int] = {"fredericson": 4, "arendt": 4, "kaeding_miller": 5}


def grading_systems_for(code: str) -> tuple[str, ...]:
    """The grading scales that apply at a site ("none" is always allowed)."""
    scales = ("arendt", "kaeding_miller")
    if code in TIBIAL_SITES:
        scales = ("fredericson", *scales)
    return (*scales, "none")


def grading_errors(code: str, system: str, grade: int | None) -> dict[str, str]:
    """Field errors of a site, scale and grade taken together (empty when they agree)."""
    errors: dict[str, str] = {}
    label = BY_CODE[code].label if code in BY_CODE else "this site"
    if system not in grading_systems_for(code):
        if system == "fredericson":
            errors["grading_system"] = (
                f"The Fredericson scale is a tibial scale; for the {label.lower()} use Arendt "
                "or Kaeding–Miller."
            )
        else:
            errors["grading_system"] = "Choose a grading scale from the list."
        return errors
    if grade is not None and system in GRADING_MAX:
        if grade > GRADING_MAX[system]:
            errors["grade"] = f"This scale's grades go from 1 to {GRADING_MAX[system]}."
    return errors


# Sites with a growth plate (physis) or an apophysis nearby in a skeletally immature athlete:
# the proximal femur, the tibia and fibula (proximal and distal physes, the malleolus), the
# pelvic apophyses, the calcaneal apophysis and the metatarsals' physes and the 5th's base
# apophysis; "other" is included on the safe side. Clinic protocol: the clinician judges
# skeletal maturity. A note on the plan says so for an athlete under 18 (clinical.md §11).
PHYSIS_NEAR_SITES: frozenset[str] = frozenset(
    {
        "femoral_neck_tension",
        "femoral_neck_compression",
        "femoral_shaft",
        "anterior_tibia",
        "posteromedial_tibia",
        "medial_malleolus",
        "fibula",
        "pelvis",
        "calcaneus",
        "mt5_proximal",
        "mt2_base",
        "metatarsal_shaft",
        "other",
    }
)
