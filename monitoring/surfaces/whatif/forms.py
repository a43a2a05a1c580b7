"""The criterion editor of the replay page: the plan builder's own per-kind criterion forms
(``protocols.builder.criterion_forms.criterion_form``), for one phase's minimum days, advance
criteria and regression rules. Field names follow the builder's (``ph-0-advance_when-<j>``,
counts in ``ph-0-<list>-count``), so its row template and its htmx row redraw work here
unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms

from protocols.builder.blocks import LISTS_BY_NAME, MAX_ROWS, CriteriaList, parse_op
from protocols.builder.criterion_forms import CriterionForm, criterion_form
from protocols.engine import criteria
from protocols.engine.gating import PhaseSpec

PREFIX = "ph-0"
LISTS = ("advance_when", "regress_when")


class ReplayPhaseForm(forms.Form):
    min_days = forms.IntegerField(
        label="Minimum days in the phase",
        min_value=0,
        max_value=365,
        widget=forms.NumberInput(attrs={"class": "num", "inputmode": "numeric"}),
        error_messages={"invalid": "Enter a whole number of days."},
    )
    reason = forms.CharField(
        required=False,
        label="Why the plan changes (needed to save)",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


@dataclass
class Section:
    spec: CriteriaList
    rows: list[CriterionForm] = field(default_factory=list)


def _count(data: Mapping[str, Any], key: str) -> int:
    try:
        return max(0, min(int(data.get(key, 0)), MAX_ROWS))
    except (TypeError, ValueError):
        return 0


class ReplayEditor:
    """One phase's gates as forms, bound to POST data or built from the stored phase."""

    def __init__(
        self,
        *,
        data: Mapping[str, Any] | None = None,
        stored: Mapping[str, Any] | None = None,
        high_risk: bool = False,
    ) -> None:
        self.is_bound = data is not None
        self.errors: list[str] = []
        self.sections: list[Section] = []
        if data is not None:
            self.form = ReplayPhaseForm(data, prefix=PREFIX)
            for name in LISTS:
                spec = LISTS_BY_NAME[name]
                n = _count(data, f"{PREFIX}-{name}-count")
                rows = [
                    criterion_form(spec.role, prefix=f"{PREFIX}-{name}-{j}", data=data)
                    for j in range(n)
                ]
                self.sections.append(Section(spec, rows))
        else:
            stored = stored or {}
            self.form = ReplayPhaseForm(
                prefix=PREFIX, initial={"min_days": stored.get("min_days", 0)}
            )
            for name in LISTS:
                spec = LISTS_BY_NAME[name]
                items = [i for i in (stored.get(name) or [])[:MAX_ROWS] if isinstance(i, Mapping)]
                rows = [
                    criterion_form(spec.role, prefix=f"{PREFIX}-{name}-{j}", initial=item)
                    for j, item in enumerate(items)
                ]
                self.sections.append(Section(spec, rows))
        for section in self.sections:
            for row in section.rows:
                row.high_risk = high_risk

    def section(self, name: str) -> Section:
        return next(s for s in self.sections if s.spec.name == name)

    def is_valid(self) -> bool:
        results = [self.form.is_valid()]
        results += [row.is_valid() for s in self.sections for row in s.rows]
        if not self.section("advance_when").rows:
            self.errors.append("Keep at least one criterion to advance on.")
        return all(results) and not self.errors

    def changed(self) -> dict[str, Any]:
        """The phase's new settings (after ``is_valid()``)."""
        out: dict[str, Any] = {"min_days": self.form.cleaned_data["min_days"]}
        for s in self.sections:
            out[s.spec.name] = [row.item for row in s.rows]
        return out

    def spec(self, *, name: str, warn_when: Any) -> PhaseSpec | None:
        """The changed phase for the gating engine, or None with the errors added."""
        data = self.changed()
        try:
            return PhaseSpec(
                name=name,
                min_days=data["min_days"],
                advance_when=tuple(data["advance_when"]),
                regress_when=tuple(data["regress_when"]),
                warn_when=tuple(warn_when or ()),
            )
        except criteria.CriterionError as exc:
            self.errors += list(exc.errors.values())
            return None

    @property
    def reason(self) -> str:
        return (self.form.cleaned_data.get("reason") or "").strip() if self.form.is_bound else ""

    def raw(self) -> dict[str, Any]:
        out: dict[str, Any] = {"min_days": self.form["min_days"].value()}
        for s in self.sections:
            out[s.spec.name] = [row.raw() for row in s.rows]
        return out

    def with_op(self, op: str, *, high_risk: bool = False) -> ReplayEditor:
        """Add or remove a criterion row (nothing is replayed or saved)."""
        raw = self.raw()
        parsed = parse_op(op)
        if parsed is not None:
            verb, _, name, j = parsed
            if name in LISTS:
                rows = raw[name]
                if verb == "add_crit" and len(rows) < MAX_ROWS:
                    role = LISTS_BY_NAME[name].role
                    rows.append({"kind": criteria.kinds_for(role)[0].kind})  # type: ignore[arg-type]
                elif verb == "remove_crit" and j is not None and j < len(rows):
                    del rows[j]
        editor = ReplayEditor(stored=raw, high_risk=high_risk)
        editor.form = ReplayPhaseForm(
            prefix=PREFIX,
            initial={"min_days": raw["min_days"], "reason": self.form["reason"].value()},
        )
        return editor
