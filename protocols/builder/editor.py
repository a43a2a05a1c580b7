"""``PhasesEditor``: a whole list of phases as nested forms.

Its structure (add, remove, move up or down) changes through submit buttons named ``op``, so it
works without JavaScript; the services validate the result (``protocols.services.phases_clean``)
and their errors, keyed ``phases.<i>.<field>`` and ``phases.<i>.<list>.<j>.<param>``, go back
onto the right inputs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from types import SimpleNamespace
from typing import Any

from protocols import services
from protocols.builder.blocks import (
    CRITERIA_LISTS,
    LISTS_BY_NAME,
    MAX_PHASES,
    MAX_ROWS,
    NEW_PHASE,
    CriteriaSection,
    PhaseBlock,
    form_add_errors,
    parse_op,
    row_count,
)
from protocols.builder.criterion_forms import criterion_form, plain_value
from protocols.builder.forms import PhaseForm, PrescriptionForm
from protocols.engine import criteria, projection
from protocols.models import PhaseFields
from rehab.errors import ApplicationError

Focus = tuple[int, str | None, int | None]
"""What the editor opens after an operation: (phase, criteria list, row)."""


def _prescription_op(rows: list[dict[str, Any]], verb: str, j: int | None) -> None:
    """A prescription row added (up to ``MAX_ROWS``) or row ``j`` removed."""
    if verb == "add_rx":
        if len(rows) < MAX_ROWS:
            rows.append({"activity": "", "minutes": "", "intensity": ""})
    elif j is not None and j < len(rows):
        del rows[j]


def _criterion_op(
    rows: list[dict[str, Any]], verb: str, i: int, name: str, j: int | None
) -> tuple[Focus | None, str | None]:
    """A criterion row added to list ``name`` of phase ``i`` (the list's first kind), or row
    ``j`` removed."""
    if verb == "add_crit":
        if len(rows) >= MAX_ROWS:
            return (i, None, None), f"A list has at most {MAX_ROWS} criteria."
        first = criteria.kinds_for(LISTS_BY_NAME[name].role)[0]  # type: ignore[arg-type]
        rows.append({"kind": first.kind})
        return (i, name, len(rows) - 1), None
    if verb == "remove_crit" and j is not None and j < len(rows):
        del rows[j]
    return (i, None, None), None


class PhasesEditor:
    """A list of phases as nested forms, bound to POST data or built from phase dicts.

    Field names: ``ph-count``; phase ``i`` has prefix ``ph-<i>``, its prescription rows
    ``ph-<i>-rx-<j>`` (count ``ph-<i>-rx-count``) and its criteria ``ph-<i>-<list>-<j>``
    (count ``ph-<i>-<list>-count``). ``stored`` maps a plan's phase ids to its phases: a started
    phase keeps its place, a finished one is shown and kept as it is.
    """

    def __init__(
        self,
        *,
        data: Mapping[str, Any] | None = None,
        phases: Sequence[Mapping[str, Any]] = (),
        stored: Sequence[Any] = (),
        high_risk: bool = False,
    ) -> None:
        self.stored = {p.pk: p for p in stored}
        self.high_risk = high_risk
        self.errors: list[str] = []
        self.is_bound = data is not None
        if data is not None:
            count = row_count(data, "ph-count", MAX_PHASES)
            self.blocks = [self._bound_block(data, i) for i in range(count)]
        else:
            self.blocks = [self._block(i, raw) for i, raw in enumerate(phases[:MAX_PHASES])]
        for block in self.blocks:
            for section in block.sections:
                for row in section.rows:
                    row.high_risk = high_risk

    # - building -
    def _stored_for(self, value: Any) -> Any:
        try:
            return self.stored.get(int(value))
        except (TypeError, ValueError):
            return None

    def _bound_block(self, data: Mapping[str, Any], i: int) -> PhaseBlock:
        block = PhaseBlock(index=i, stored=self._stored_for(data.get(f"ph-{i}-id")))
        if block.frozen:
            return block
        p = block.prefix
        block.focus = data.get(f"{p}-open") == "1"
        block.form = PhaseForm(data, prefix=p)
        rx_count = row_count(data, f"{p}-rx-count", MAX_ROWS)
        block.prescriptions = [
            PrescriptionForm(data, prefix=f"{p}-rx-{j}") for j in range(rx_count)
        ]
        for spec in CRITERIA_LISTS:
            n = row_count(data, f"{p}-{spec.name}-count", MAX_ROWS)
            rows = [
                criterion_form(spec.role, prefix=f"{p}-{spec.name}-{j}", data=data)
                for j in range(n)
            ]
            block.sections.append(CriteriaSection(spec, rows))
        return block

    def _block(self, i: int, raw: Mapping[str, Any]) -> PhaseBlock:
        block = PhaseBlock(index=i, stored=self._stored_for(raw.get("id")))
        if block.frozen:
            return block
        p = block.prefix
        block.focus = bool(raw.get("_open"))
        initial = {name: plain_value(raw.get(name)) for name in ("id", *PhaseForm.SCALARS)}
        citations = raw.get("citations") or []
        initial["citations"] = (
            "\n".join(citations) if isinstance(citations, list | tuple) else str(citations)
        )
        block.form = PhaseForm(prefix=p, initial=initial)
        block.prescriptions = [
            PrescriptionForm(
                prefix=f"{p}-rx-{j}", initial={k: plain_value(v) for k, v in rx.items()}
            )
            for j, rx in enumerate((raw.get("prescriptions") or [])[:MAX_ROWS])
            if isinstance(rx, Mapping)
        ]
        for spec in CRITERIA_LISTS:
            items = [it for it in (raw.get(spec.name) or [])[:MAX_ROWS] if isinstance(it, Mapping)]
            rows = [
                criterion_form(spec.role, prefix=f"{p}-{spec.name}-{j}", initial=item)
                for j, item in enumerate(items)
            ]
            block.sections.append(CriteriaSection(spec, rows))
        return block

    # - validation -
    def is_valid(self) -> bool:
        results = [f.is_valid() for b in self.blocks for f in b.forms()]
        return all(results) and not self.errors and self.blocks != []

    def full_validate(self) -> bool:
        """Every row through its form, then every phase through the services' rules."""
        valid = self.is_valid()
        try:
            services.phases_clean(self.phases())
        except ApplicationError as exc:
            self.add_errors(exc.errors)
            valid = False
        if not valid and not self.has_errors:
            self.errors.append("Please correct the highlighted settings.")
        return valid

    def phases(self) -> list[dict[str, Any]]:
        """Every phase as the services take it (call ``is_valid()`` first)."""
        return [block.data() for block in self.blocks]

    def add_errors(self, errors: Mapping[str, Sequence[str] | str]) -> dict[str, list[str]]:
        """Put service errors (``phases.<i>.<field>``...) on the right inputs.

        Returns the errors that are not about the phases (``reason``, ``name``...).
        """
        rest: dict[str, list[str]] = {}
        for key, value in errors.items():
            messages = [value] if isinstance(value, str) else list(value)
            parts = key.split(".")
            if parts[0] != "phases":
                rest[key] = messages
            elif len(parts) == 1 or not parts[1].isdigit() or int(parts[1]) >= len(self.blocks):
                self.errors += [m for m in messages if m not in self.errors]
            else:
                self._add_block_errors(self.blocks[int(parts[1])], parts[2:], messages)
        return rest

    def _add_block_errors(self, block: PhaseBlock, path: list[str], messages: list[str]) -> None:
        head = path[0] if path else ""
        index = int(path[1]) if len(path) > 1 and path[1].isdigit() else None
        if block.form is None or not head:
            block.errors += [m for m in messages if m not in block.errors]
        elif head in LISTS_BY_NAME:
            section = block.section(head)
            if index is not None and index < len(section.rows):
                param = path[2] if len(path) > 2 else "kind"
                form_add_errors(section.rows[index], param, messages)
            else:
                section.errors += [m for m in messages if m not in section.errors]
        elif head == "prescriptions":
            if index is not None and index < len(block.prescriptions):
                name = path[2] if len(path) > 2 else None
                form_add_errors(block.prescriptions[index], name, messages)
            else:
                block.rx_errors += [m for m in messages if m not in block.rx_errors]
        elif head in block.form.fields:
            form_add_errors(block.form, head, messages)
        else:
            block.errors += [m for m in messages if m not in block.errors]

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(b.has_errors for b in self.blocks)

    # - structure -
    def raw(self) -> list[dict[str, Any]]:
        return [block.raw() for block in self.blocks]

    def with_op(self, op: str) -> PhasesEditor:
        """A new, unbound editor with the structural change ``op`` applied to this one's rows.

        Nothing is saved: the person sees the result and saves when ready.
        """
        parsed = parse_op(op)
        raw = self.raw()
        focus: tuple[int, str | None, int | None] | None = None
        problem = None
        if parsed is not None:
            verb, i, name, j = parsed
            focus, problem = self._apply(raw, verb, i, name, j)
        editor = PhasesEditor(
            phases=raw, stored=list(self.stored.values()), high_risk=self.high_risk
        )
        if problem:
            editor.errors.append(problem)
        if focus is not None and focus[0] < len(editor.blocks):
            block = editor.blocks[focus[0]]
            block.focus = block.scroll = True
            if focus[1] is not None and focus[2] is not None and block.form is not None:
                rows = block.section(focus[1]).rows
                if focus[2] < len(rows):
                    rows[focus[2]].focus = True
        return editor

    def _locked(self, raw: Mapping[str, Any]) -> bool:
        stored = self._stored_for(raw.get("id"))
        return stored is not None and stored.started_on is not None

    def _apply(
        self, raw: list[dict[str, Any]], verb: str, i: int | None, name: str | None, j: int | None
    ) -> tuple[Focus | None, str | None]:
        """Change ``raw`` in place; return what to open (phase, list, row) and any refusal."""
        if verb == "add_phase":
            return self._add_phase(raw, i)
        if i is None or i >= len(raw):
            return None, None
        if verb == "remove_phase":
            if self._locked(raw[i]):
                return (i, None, None), "A phase that has started cannot be removed."
            del raw[i]
            return None, None
        if verb in {"phase_up", "phase_down"}:
            return self._move_phase(raw, i, i - 1 if verb == "phase_up" else i + 1)
        phase = raw[i]
        if "prescriptions" not in phase:  # a finished phase
            return (i, None, None), "A finished phase cannot be changed."
        if verb in {"add_rx", "remove_rx"}:
            _prescription_op(phase["prescriptions"], verb, j)
            return (i, None, None), None
        if name is None:
            return (i, None, None), None
        return _criterion_op(phase[name], verb, i, name, j)

    def _add_phase(
        self, raw: list[dict[str, Any]], i: int | None
    ) -> tuple[Focus | None, str | None]:
        """A new phase after phase ``i`` (at the end by default), never before a started one."""
        n = len(raw)
        if n >= MAX_PHASES:
            return None, f"A plan has at most {MAX_PHASES} phases."
        last_locked = max((k for k, r in enumerate(raw) if self._locked(r)), default=-1)
        at = n if i is None else min(max(i + 1, last_locked + 1), n)
        raw.insert(at, {**NEW_PHASE, "advance_when": list(NEW_PHASE["advance_when"])})
        return (at, None, None), None

    def _move_phase(
        self, raw: list[dict[str, Any]], i: int, k: int
    ) -> tuple[Focus | None, str | None]:
        """Phase ``i`` swapped with its neighbour ``k``, unless either has started."""
        if not 0 <= k < len(raw):
            return (i, None, None), None
        if self._locked(raw[i]) or self._locked(raw[k]):
            return (i, None, None), "Phases that have started stay where they are."
        raw[i], raw[k] = raw[k], raw[i]
        return (k, None, None), None

    # - projected dates -
    def project(self, *, today: dt.date, start: dt.date | None) -> projection.Projection:
        """Projected phase dates of the phases as typed (unparsable days count as 0)."""
        shapes = []
        for block in self.blocks:
            if block.form is None:
                stored = block.stored
                shapes.append(
                    SimpleNamespace(
                        order=block.number,
                        name=stored.name,
                        min_days=stored.min_days,
                        typical_days=stored.typical_days,
                        started_on=stored.started_on,
                        ended_on=stored.ended_on,
                    )
                )
                continue
            stored = block.stored
            shapes.append(
                SimpleNamespace(
                    order=block.number,
                    name=block.title,
                    min_days=_days(block.form["min_days"].value()),
                    typical_days=_days(block.form["typical_days"].value()),
                    started_on=stored.started_on if stored else None,
                    ended_on=None,
                )
            )
        result = projection.project(shapes, today=today, start=start)
        for block in self.blocks:
            block.projection = result.for_order(block.number)
        return result

    def project_days(self) -> int:
        """Typical day offsets of each phase from day 0 (templates have no dates); returns the
        typical total, the sum of the phases' typical days."""
        anchor = dt.date(2000, 1, 1)
        result = self.project(today=anchor, start=anchor)
        for block in self.blocks:
            if block.projection is not None:
                block.day_from = (block.projection.typical_start - anchor).days
                block.day_to = (block.projection.typical_end - anchor).days
        return (result.phases[-1].typical_end - anchor).days if result.phases else 0


def _days(value: Any) -> int:
    try:
        return max(0, min(int(str(value).strip()), 365))
    except (TypeError, ValueError):
        return 0


def stored_phase_dicts(phases: Sequence[PhaseFields]) -> list[dict[str, Any]]:
    """Phases from the database as the editor's starting rows."""
    return [{"id": p.pk, **p.spec_fields()} for p in phases]
