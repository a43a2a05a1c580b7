"""Criterion forms made for each kind, prescription and phase forms, and the phases editor.

The criterion forms are generated from the registry: these tests walk the registry too, so a new
kind without an example here fails ``test_every_kind_has_an_example``.
"""

from __future__ import annotations

import re

import pytest
from django.template.loader import render_to_string

from protocols import services
from protocols.builder.blocks import CRITERIA_LISTS, parse_op
from protocols.builder.criterion_forms import criterion_form, criterion_form_class
from protocols.builder.editor import PhasesEditor
from protocols.builder.forms import PhaseForm, PrescriptionForm
from protocols.engine import criteria
from rehab.errors import ApplicationError
from tests.plans import PHASES
from tests.plans.formdata import form_data

LIST_OF_ROLE = {lst.role: lst.name for lst in CRITERIA_LISTS}

# One valid item per kind, with every parameter set to something other than its default where
# the kind has one, so that a round trip proves each input carries its value.
GOOD: dict[str, dict] = {
    "min_days_in_phase": {"days": 14},
    "pain_max": {"field": "during", "max": 2, "days": 7, "min_logs": 5},
    "pain_free_streak": {"field": "rest", "days": 5},
    "pain_not_rising": {"field": "after", "tolerance": 0.5},
    "no_sharp_pain": {"days": 10},
    "no_night_pain": {"days": 3},
    "adherence": {"min_logs": 5, "days": 7},
    "assessment": {"test": "single_leg_hop", "min": 10, "max_pain": 2, "within_days": 21},
    "weekly_load_increase": {"max_percent": 20},
    "clinician_signoff": {},
    "pain_above": {"field": "during", "above": 3, "days": 3},
    "pain_persisting": {"hours": 12, "days": 3},
    "pain_rising": {"field": "rest", "by": 1.5},
    "next_morning_worse": {"by": 2, "days": 4},
    "sharp_pain": {"days": 5, "localized_only": True},
    "night_pain": {"days": 4},
    "swelling": {"days": 6},
    "load_spike": {"ratio": 1.3, "min_history_days": 28},
    "severe_pain": {"limit": 6, "days": 2},
    "orthopaedic_decision": {},
    "femoral_neck_findings": {"max_percent": 40},
    "bone_health_screen": {"max_score": 4, "within_days": 180},
    "bone_health_decision": {},
    "limb_symmetry": {
        "test": "isometric_strength",
        "group": "plantarflexors",
        "min_lsi": 85.0,
        "max_pain": 2,
        "within_days": 21,
    },
    "pre_injury_volume": {"percent": 75.0, "window_days": 14},
    "programme_stage": {"stage": 3, "finished": True},
}
KINDS = sorted(criteria.REGISTRY)


def _prefix(kind: criteria.Kind) -> str:
    return f"ph-0-{LIST_OF_ROLE[kind.role]}-0"


def _render_row(form) -> str:
    """The row as the builder renders it, inside a form element to read it back."""
    spec = LIST_OF_ROLE[form.kind_obj.role]
    row = render_to_string(
        "clinic/plans/_criterion.html", {"row": form, "i": 0, "j": 0, "list_name": spec}
    )
    return f'<form id="f">{row}</form>'


def _submit(kind: criteria.Kind, item: dict) -> object:
    """Render the row for ``item``, read what a browser would send, bind it."""
    unbound = criterion_form(kind.role, prefix=_prefix(kind), initial={"kind": kind.kind, **item})
    data = form_data(_render_row(unbound), "f")
    return criterion_form(kind.role, prefix=_prefix(kind), data=data)


def _bound(kind: criteria.Kind, values: dict) -> object:
    """A row bound to typed values (strings, as a browser sends them)."""
    prefix = _prefix(kind)
    data = {f"{prefix}-kind": kind.kind}
    for name, value in values.items():
        if isinstance(value, bool):
            if value:
                data[f"{prefix}-{name}"] = "on"
        else:
            data[f"{prefix}-{name}"] = str(value)
    return criterion_form(kind.role, prefix=prefix, data=data)


def _kind_error(kind: criteria.Kind, item: dict, name: str) -> str:
    """The message the kind itself gives for ``item`` on parameter ``name``."""
    with pytest.raises(criteria.CriterionError) as caught:
        kind.validate({"kind": kind.kind, **item})
    return caught.value.errors[name]


def _field_html(html: str, input_name: str) -> str:
    """The `.fld` block that holds the input (or select) named ``input_name``."""
    for block in re.findall(r'<div class="fld[^"]*">.*?</div>', html, re.S):
        if f'name="{input_name}"' in block:
            return block
    raise AssertionError(f"No field {input_name} in the row")


# --- every kind ----------------------------------------------------------------------------------


def test_every_kind_has_an_example():
    assert set(GOOD) == set(criteria.REGISTRY)


@pytest.mark.parametrize("name", KINDS)
def test_form_has_an_input_per_declared_parameter(name):
    kind = criteria.REGISTRY[name]
    form = criterion_form_class(name)()
    assert list(form.fields) == ["kind", *(p.name for p in kind.params)]
    assert [c for c, _ in form.fields["kind"].choices] == [
        k.kind for k in criteria.kinds_for(kind.role)
    ]
    html = _render_row(criterion_form(kind.role, prefix=_prefix(kind), initial={"kind": name}))
    assert "<textarea" not in html, "settings are typed inputs, never free text (or JSON)"
    for p in kind.params:
        expected = {"int": "number", "float": "number", "choice": "select", "bool": "checkbox"}
        assert form.fields[p.name].widget.input_type == expected[p.type]
        assert f'name="{_prefix(kind)}-{p.name}"' in html
        assert p.label in html


@pytest.mark.parametrize("name", KINDS)
def test_good_values_round_trip_through_the_rendered_form(name):
    kind = criteria.REGISTRY[name]
    item = {"kind": name, **GOOD[name]}
    form = _submit(kind, GOOD[name])
    assert form.is_valid(), form.errors
    assert form.item == kind.validate(item)
    # And back again: the saved item shown in a new form gives the same item.
    again = _submit(kind, {k: v for k, v in form.item.items() if k != "kind"})
    assert again.is_valid(), again.errors
    assert again.item == form.item


@pytest.mark.parametrize("name", KINDS)
def test_an_empty_row_gives_the_kinds_defaults_or_its_required_messages(name):
    kind = criteria.REGISTRY[name]
    form = _bound(kind, {})
    required = [p for p in kind.params if p.required]
    assert form.is_valid() is (not required)
    for p in required:
        assert form.errors[p.name] == [f"{p.label} is required."]
    if not required:
        assert form.item == kind.validate({"kind": name})


def _bad_numbers():
    for name in KINDS:
        kind = criteria.REGISTRY[name]
        for p in kind.params:
            if p.type not in {"int", "float"}:
                continue
            if p.min is not None:
                yield pytest.param(name, p.name, p.min - 1, id=f"{name}.{p.name}-below")
            if p.max is not None:
                yield pytest.param(name, p.name, p.max + 1, id=f"{name}.{p.name}-above")
            yield pytest.param(name, p.name, "lots", id=f"{name}.{p.name}-text")
            if p.type == "int":
                yield pytest.param(name, p.name, 2.5, id=f"{name}.{p.name}-fraction")


@pytest.mark.parametrize(("name", "param", "bad"), list(_bad_numbers()))
def test_a_bad_number_gets_the_kinds_message_on_its_own_input(name, param, bad):
    kind = criteria.REGISTRY[name]
    values = {**GOOD[name], param: bad}
    form = _bound(kind, values)
    assert not form.is_valid()
    expected = _kind_error(kind, {**GOOD[name], param: bad}, param)
    assert form.errors[param] == [expected]
    assert set(form.errors) == {param}, "the message is on that input only"
    # Rendered next to that input, not elsewhere.
    block = _field_html(_render_row(form), f"{_prefix(kind)}-{param}")
    assert "has-error" in block and expected in block


def _bad_choices():
    for name in KINDS:
        for p in criteria.REGISTRY[name].params:
            if p.type == "choice":
                yield pytest.param(name, p.name, id=f"{name}.{p.name}")


@pytest.mark.parametrize(("name", "param"), list(_bad_choices()))
def test_a_forged_choice_gets_the_kinds_message(name, param):
    kind = criteria.REGISTRY[name]
    form = _bound(kind, {**GOOD[name], param: "elbow"})
    assert not form.is_valid()
    assert form.errors[param] == [_kind_error(kind, {**GOOD[name], param: "elbow"}, param)]
    assert "must be one of" in form.errors[param][0]


@pytest.mark.parametrize(
    ("name", "values", "param", "message"),
    [
        (
            "pain_above",
            {"field": "during", "above": 10},
            "above",
            "Pain limit must be between 0 and 9.",
        ),
        ("pain_max", {"field": "any", "max": "1.5"}, "max", "Pain maximum must be a whole number."),
        (
            "pain_max",
            {"field": "any", "max": 2, "days": 5, "min_logs": 6},
            "min_logs",
            "Minimum logs cannot be more than the number of days.",
        ),
        (
            "adherence",
            {"min_logs": 8, "days": 7},
            "min_logs",
            "Minimum logs cannot be more than the number of days.",
        ),
        (
            "assessment",
            {"test": "walk_test"},
            "min",
            "Give a minimum result, a maximum result or both.",
        ),
        (
            "assessment",
            {"test": "tenderness", "max": 2},
            "max",
            "Bony tenderness (0 none, 1 present): the result must be between 0 and 1.",
        ),
        (
            "assessment",
            {"test": "heel_raise", "min": 30, "max": 20},
            "max",
            "The maximum result cannot be below the minimum.",
        ),
        ("load_spike", {"ratio": 0.8}, "ratio", "Caution ratio must be between 1 and 3."),
        ("pain_persisting", {"hours": 0}, "hours", "Hours must be between 1 and 168."),
        ("min_days_in_phase", {"days": ""}, "days", "Minimum days is required."),
    ],
)
def test_cross_field_and_wording_examples(name, values, param, message):
    form = _bound(criteria.REGISTRY[name], values)
    assert not form.is_valid()
    assert form.errors[param] == [message]


def test_a_kind_of_another_role_is_refused():
    prefix = "ph-0-advance_when-0"
    form = criterion_form("advance", prefix=prefix, data={f"{prefix}-kind": "night_pain"})
    assert not form.is_valid()
    assert form.errors["kind"] == ["Choose a criterion from the list."]


def test_changing_the_kind_keeps_the_settings_both_kinds_share():
    prefix = "ph-0-advance_when-0"
    data = {f"{prefix}-kind": "no_sharp_pain", f"{prefix}-days": "9", f"{prefix}-max": "3"}
    form = criterion_form("advance", prefix=prefix, data=data)
    assert type(form).__name__ == "NoSharpPainForm"
    assert form.is_valid() and form.item == {"kind": "no_sharp_pain", "days": 9}


def test_the_sentence_follows_the_inputs():
    kind = criteria.REGISTRY["pain_max"]
    form = _bound(kind, {"field": "during", "max": 3, "days": 7})
    assert form.sentence() == kind.describe({"kind": "pain_max", "field": "during", "max": 3})
    assert _bound(kind, {"field": "during", "max": 30}).sentence() is None


# --- prescriptions and phases ---------------------------------------------------------------------


def test_prescription_row_uses_the_services_rules():
    form = PrescriptionForm({"activity": "swim", "minutes": "0", "sessions_per_week": "20"})
    assert not form.is_valid()
    assert form.errors["minutes"] == ["Must be between 1 and 600."]
    assert form.errors["sessions_per_week"] == ["Must be between 1 and 14."]
    form = PrescriptionForm({"activity": "", "minutes": "30"})
    assert form.errors["activity"] == ["Choose an activity from the list."]
    good = PrescriptionForm({"activity": "cycle", "minutes": "30", "sessions_per_week": "3"})
    assert good.is_valid()


def test_phase_form_uses_the_services_rules():
    form = PhaseForm(
        {
            "name": "",
            "min_days": "10",
            "typical_days": "7",
            "weight_bearing": "fwb",
            "impact": "none",
        }
    )
    assert not form.is_valid()
    assert form.errors["name"] == ["Give the phase a name."]
    assert form.errors["typical_days"] == ["Typical days cannot be fewer than the minimum days."]
    form = PhaseForm({"name": "Walk", "min_days": "x", "typical_days": "7", "impact": "huge"})
    assert form.errors["min_days"] == ["Enter a whole number of days."]
    assert form.errors["impact"] == ["Choose an impact level from the list."]


# --- the phases editor ---------------------------------------------------------------------------


def _editor_html(editor: PhasesEditor) -> str:
    body = render_to_string("clinic/plans/_editor.html", {"editor": editor})
    return f'<form id="plan-form">{body}</form>'


def _resubmit(editor: PhasesEditor) -> PhasesEditor:
    return PhasesEditor(data=form_data(_editor_html(editor), "plan-form"))


def test_whole_phases_round_trip_through_the_rendered_editor():
    expected = services.phases_clean(PHASES)
    editor = _resubmit(PhasesEditor(phases=expected))
    assert editor.is_valid(), [f.errors for b in editor.blocks for f in b.forms() if f.errors]
    got = services.phases_clean(editor.phases())
    assert got == expected


def test_service_errors_land_on_the_right_inputs():
    editor = _resubmit(PhasesEditor(phases=services.phases_clean(PHASES)))
    editor.is_valid()
    rest = editor.add_errors(
        {
            "phases.1.name": ["Give the phase a name."],
            "phases.1.advance_when.2.min": ["Too low."],
            "phases.0.prescriptions.0.minutes": ["Must be between 1 and 600."],
            "phases.2.regress_when": ["Something about the list."],
            "phases": ["Keep it."],
            "reason": ["A reason is required."],
        }
    )
    assert rest == {"reason": ["A reason is required."]}
    assert editor.blocks[1].form.errors["name"] == ["Give the phase a name."]
    assert editor.blocks[1].section("advance_when").rows[2].errors["min"] == ["Too low."]
    assert editor.blocks[0].prescriptions[0].errors["minutes"] == ["Must be between 1 and 600."]
    assert editor.blocks[2].section("regress_when").errors == ["Something about the list."]
    assert editor.errors == ["Keep it."]
    assert editor.blocks[1].open and not editor.blocks[3].open


def test_the_same_message_from_form_and_service_shows_once():
    phases = services.phases_clean(PHASES)
    data = form_data(_editor_html(PhasesEditor(phases=phases)), "plan-form")
    data["ph-0-advance_when-1-max"] = "11"
    editor = PhasesEditor(data=data)
    assert not editor.is_valid()
    with pytest.raises(ApplicationError) as caught:
        services.phases_clean(editor.phases())
    assert "phases.0.advance_when.1.max" in caught.value.errors
    editor.add_errors(caught.value.errors)
    row = editor.blocks[0].section("advance_when").rows[1]
    assert row.errors["max"] == ["Pain maximum must be between 0 and 10."]


@pytest.mark.parametrize(
    ("op", "names"),
    [
        ("phase_up:1", ["Walk-run", "Protected loading", "Running progression", "Full return"]),
        ("phase_down:1", ["Protected loading", "Running progression", "Walk-run", "Full return"]),
        ("phase_up:0", ["Protected loading", "Walk-run", "Running progression", "Full return"]),
        ("remove_phase:2", ["Protected loading", "Walk-run", "Full return"]),
        ("add_phase", ["Protected loading", "Walk-run", "Running progression", "Full return", ""]),
        (
            "add_phase:0",
            ["Protected loading", "", "Walk-run", "Running progression", "Full return"],
        ),
    ],
)
def test_structural_changes(op, names):
    editor = _resubmit(PhasesEditor(phases=services.phases_clean(PHASES)))
    changed = _resubmit(editor.with_op(op))  # and the result survives a round trip
    assert [b.form["name"].value() for b in changed.blocks] == names


def test_rows_are_added_and_removed():
    editor = _resubmit(PhasesEditor(phases=services.phases_clean(PHASES)))
    walk_run = editor.blocks[1]
    assert len(walk_run.section("advance_when").rows) == 3
    added = editor.with_op("add_crit:1:advance_when")
    rows = added.blocks[1].section("advance_when").rows
    assert len(rows) == 4 and rows[3].kind_obj.kind == "min_days_in_phase" and rows[3].focus
    assert added.blocks[1].open
    removed = _resubmit(editor.with_op("remove_crit:1:regress_when:0"))
    kinds = [r.kind_obj.kind for r in removed.blocks[1].section("regress_when").rows]
    assert kinds == ["pain_rising", "night_pain", "sharp_pain"]
    with_rx = _resubmit(editor.with_op("add_rx:0"))
    assert len(with_rx.blocks[0].prescriptions) == 2
    without = _resubmit(editor.with_op("remove_rx:0:0"))
    assert without.blocks[0].prescriptions == []


def test_open_phases_stay_open_across_a_structural_change():
    phases = services.phases_clean(PHASES)
    data = form_data(_editor_html(PhasesEditor(phases=phases)), "plan-form")
    data["ph-2-open"] = "1"
    moved = PhasesEditor(data=data).with_op("phase_up:2")
    assert [b.open for b in moved.blocks] == [False, True, False, False]


def test_parse_op():
    assert parse_op("remove_crit:2:advance_when:3") == ("remove_crit", 2, "advance_when", 3)
    assert parse_op("add_phase") == ("add_phase", None, None, None)
    assert parse_op("drop_table:1") is None
    assert parse_op("add_crit:1:elsewhere") is None


def test_a_forged_count_is_capped():
    editor = PhasesEditor(data={"ph-count": "100000"})
    assert len(editor.blocks) == 30
