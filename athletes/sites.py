"""The vocabulary of injury sites, with their two kinds of risk (see docs/criteria.md).

- Healing-complication risk (non-union, displacement, slow return): Diehl, Best & Kaeding,
  Clin Sports Med 2006;25:17-28; Hoenig et al., BJSM 2023;57:427-32.
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
    Site("femoral_neck_compression", "Femoral neck (compression side)", LOW, True, 107, (79, 135)),
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


def site_risk(code: str) -> str:
    """The healing-complication risk class of a site; unknown codes count as high (safe side)."""
    site = BY_CODE.get(code)
    return site.risk if site else HIGH
