"""The test battery form: every test of one sitting on one form, left, right and pain per row.

A row left blank is not recorded; a row with one side is recorded "incomplete" (no limb
symmetry index). The limb symmetry index is computed, never typed
(``monitoring.ingest.batteries``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from django import forms

from monitoring.surfaces.clinic.forms import ClinicForm
from protocols.engine.battery import BATTERY_TESTS, FORCE_UNITS, MUSCLE_GROUPS, Y_BALANCE_REACHES


def _date_input(today: dt.date) -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date", "max": today.isoformat()}, format="%Y-%m-%d")


class Row(NamedTuple):
    key: str  # the form's field prefix
    test: str
    group: str
    label: str
    unit: str  # as the row shows it
    whole: bool


def _rows() -> list[Row]:
    rows = []
    for t in BATTERY_TESTS:
        if t.code == "isometric_strength":
            for code, name in MUSCLE_GROUPS:
                rows.append(Row(f"strength_{code}", t.code, code, f"{name}", "N or kg", False))
        else:
            rows.append(Row(t.code, t.code, "", t.label, t.unit, t.whole))
    return rows


ROWS = _rows()
GROUPS = {
    "Hops and calf raises": [r for r in ROWS if r.test in {"hop_distance", "triple_hop",
                                                          "hops_to_pain", "calf_raises"}],
    "Isometric strength (dynamometer)": [r for r in ROWS if r.test == "isometric_strength"],
    "Balance: Y-balance reach": [r for r in ROWS if r.test in Y_BALANCE_REACHES],
}  # fmt: skip


class BatteryForm(ClinicForm):
    date = forms.DateField(label="Date")
    involved_side = forms.ChoiceField(
        label="Involved side",
        choices=[("", "Choose…"), ("left", "Left"), ("right", "Right")],
        help_text="The case's side is not left or right: which limb is injured?",
    )
    strength_unit = forms.ChoiceField(
        label="Dynamometer unit", choices=[(u, u) for u in FORCE_UNITS], initial="N"
    )
    limb_length_left_cm = forms.FloatField(
        label="Limb length, left (cm)", required=False, min_value=0, max_value=150
    )
    limb_length_right_cm = forms.FloatField(
        label="Limb length, right (cm)", required=False, min_value=0, max_value=150
    )
    notes = forms.CharField(
        label="Notes", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, today: dt.date, side_from_case: str | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.side_from_case = side_from_case
        if side_from_case is not None:
            del self.fields["involved_side"]
        self.fields["date"].initial = today
        self.fields["date"].widget = _date_input(today)
        for row in ROWS:
            for side in ("left", "right"):
                self.fields[f"{row.key}_{side}"] = self._value_field(row, side)
            self.fields[f"{row.key}_pain"] = forms.IntegerField(
                label=f"{row.label}, pain during the test (0–10)",
                required=False,
                min_value=0,
                max_value=10,
            )

    @staticmethod
    def _value_field(row: Row, side: str) -> forms.Field:
        label = f"{row.label}, {side} ({row.unit})"
        if row.whole:
            return forms.IntegerField(label=label, required=False, min_value=0)
        field = forms.FloatField(label=label, required=False, min_value=0)
        field.widget.attrs["step"] = "any"
        return field

    def sections(self) -> list[tuple[str, list[tuple[Row, Any, Any, Any]]]]:
        """The rows as the template shows them: (title, [(row, left, right, pain)])."""
        return [
            (title, [(r, self[f"{r.key}_left"], self[f"{r.key}_right"], self[f"{r.key}_pain"])
                     for r in rows])
            for title, rows in GROUPS.items()
        ]  # fmt: skip

    def results(self) -> tuple[list[dict], list[str]]:
        """The rows filled in, as ``battery_record`` takes them, and each one's form prefix
        (to put a result's errors back on its row)."""
        data, out, keys = self.cleaned_data, [], []
        for row in ROWS:
            left, right, pain = (data.get(f"{row.key}_{x}") for x in ("left", "right", "pain"))
            if left is None and right is None and pain is None:
                continue  # a test left blank is not recorded
            out.append(
                {
                    "test": row.test,
                    "muscle_group": row.group,
                    "unit": data.get("strength_unit") if row.group else "",
                    "left": left,
                    "right": right,
                    "pain": pain,
                }
            )
            keys.append(row.key)
        return out, keys

    def add_service_errors(self, errors: dict[str, list[str]], keys: list[str]) -> None:
        """A service's errors on their fields: ``results.<i>.<field>`` on row ``keys[i]``."""
        for name, messages in errors.items():
            field = name
            if name.startswith("results."):
                _, index, part = (name.split(".") + ["", ""])[:3]
                if index.isdigit() and int(index) < len(keys):
                    field = f"{keys[int(index)]}_{part}"
                    if part in {"unit", "muscle_group"}:
                        field = "strength_unit" if part == "unit" else None
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
