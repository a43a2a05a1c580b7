"""The protocol templates rehab ships with: evidence-based plans for bone stress injuries (BSI).

The templates are data (protocols/library/data, read by `loader`): `TEMPLATES` (a tuple of
template dicts) and `CITATIONS` (key -> full reference) are what the install command and service
turn into `ProtocolTemplate` / `PhaseTemplate` rows, and what tests and the what-if screens read.

Every number taken from the literature is cited through the phase's `citations`. Numbers the
literature does not validate (minimum days per phase, hop counts, pain limits, rest after a
flare) are clinic conventions and the phase notes say so: "clinic protocol, not an
evidence-based threshold". A template is a starting point; the clinician edits the plan.

Criteria use the language of docs/criteria.md (`advance_when`, `regress_when`, `warn_when`). A
phase's `min_days` is always the `days` of its `min_days_in_phase` criterion.
"""

from __future__ import annotations

import copy
from typing import Any, NamedTuple

from athletes.sites import SITE_RISK, SITES, TRABECULAR_SITES
from protocols.library.loader import LibraryError, load

__all__ = [
    "CITATIONS",
    "CLINIC_PROTOCOL",
    "SITE_LABELS",
    "SITE_RISK",
    "TEMPLATES",
    "TRABECULAR_SITES",
    "TYPICAL_RETURN_DAYS",
    "LibraryError",
    "ReturnTime",
    "days_to_return",
    "get_template",
    "suggest",
]

CLINIC_PROTOCOL = "clinic protocol, not an evidence-based threshold"

# The site vocabulary and its two kinds of risk live in athletes.sites (one place). The
# compression side of the femoral neck is "low" there; its own template is still the
# protective femoral-neck one (see `suggest`).
SITE_LABELS: dict[str, str] = {s.code: s.label for s in SITES}


class ReturnTime(NamedTuple):
    """Pooled time to return to sport in days, with its 95% confidence interval and source."""

    days: int
    ci_low: int
    ci_high: int
    citation: str


TEMPLATES, CITATIONS, _returns = load()

# Hoenig et al., BJSM 2023 (returns.yaml). Sites without a pooled figure: None.
TYPICAL_RETURN_DAYS: dict[str, ReturnTime | None] = {site: None for site in SITE_RISK} | {
    site: ReturnTime(**r) for site, r in _returns.items()
}

_BY_SLUG: dict[str, dict[str, Any]] = {t["slug"]: t for t in TEMPLATES}


def get_template(slug: str) -> dict[str, Any]:
    """A deep copy of the template with this slug (safe to edit); `KeyError` if unknown."""
    try:
        return copy.deepcopy(_BY_SLUG[slug])
    except KeyError:
        raise KeyError(f"Unknown protocol template {slug!r}.") from None


def suggest(site: str, *, risk_factors: bool) -> list[str]:
    """Slugs of the templates for `site`, best first.

    Only templates that list the site are suggested, so a high-risk site never gets a low-risk
    template. The most specific template (fewest sites) comes first; with `risk_factors`
    (grade 3-4, positive Triad/REDs screen, previous BSI) a conservative variant comes first
    where one exists, and without them it comes after its standard template.
    """
    if site not in SITE_RISK:
        raise ValueError(f"Unknown site {site!r}.")
    candidates = [t for t in TEMPLATES if site in t["sites"]]
    if SITE_RISK[site] == "high":
        candidates = [t for t in candidates if t["risk"] == "high"]

    def key(t: dict[str, Any]) -> tuple[int, int, int]:
        # Conservative preference first when risk factors are present, then specificity;
        # without risk factors, specificity first and the standard before the conservative.
        order = TEMPLATES.index(t)
        if risk_factors:
            return (0 if t["conservative"] else 1, len(t["sites"]), order)
        return (len(t["sites"]), 1 if t["conservative"] else 0, order)

    return [t["slug"] for t in sorted(candidates, key=key)]


def days_to_return(slug: str) -> tuple[int, int]:
    """(minimum, typical) days from the plan's start to return to sport.

    Return to sport is the start of the last phase ("full return and monitoring"), so this is
    the sum over every phase but the last: comparable with `TYPICAL_RETURN_DAYS`.
    """
    phases = _BY_SLUG[slug]["phases"][:-1]
    return sum(p["min_days"] for p in phases), sum(p["typical_days"] for p in phases)
