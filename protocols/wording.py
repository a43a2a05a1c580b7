"""Plain wording of a plan for people outside the clinical roles (pure: no ORM, no I/O)."""

from __future__ import annotations

import re

_PAIN_PART = re.compile(r"\bpain", re.IGNORECASE)


def intensity_without_pain(text: str | None) -> str:
    """A prescription's intensity without its pain clause ("easy pace, pain 0 of 10" → "easy
    pace"): pain limits are clinical; effort (RPE) and pace are what a coach works with."""
    if not text:
        return ""
    parts = [p.strip() for p in re.split(r"[;,]", text)]
    return ", ".join(p for p in parts if p and not _PAIN_PART.search(p))
