"""Shipped templates that follow their sources (clinical.md §11): navicular v2 (union judged
clinically, CT the clinician's option), the anterior tibia's own plan (brace and modified rest,
Batt 2001), the general high-risk plan v2 (patella in, anterior tibia and navicular out).
Installing a new version retires the previous one; running plans keep their phases.

The Impellizzeri reference is corrected in place wherever it was stored: a citation's text,
not a clinical change. The templates come from a frozen snapshot of the library
(shipped_templates_0007.json), never from the library's current code.
"""


from django.db import migrations

from ._shipped import install_snapshot

OLD_CITATION = (
    "Impellizzeri FM, et al. Critique of the acute:chronic workload ratio. Sports Med "
    "2020. Supports: the ratio predicts injury barely better than chance, so it is shown "
    "as a trend and a warning, never used as a gate."
)
NEW_CITATION = (
    "Impellizzeri FM, et al. What role do chronic workloads play in the acute to chronic "
    "workload ratio? Time to dismiss ACWR and its underlying theory. Sports Med "
    "2021;51(3):581-92. Supports: the ratio predicts injury barely better than chance, so "
    "it is shown as a trend and a warning, never used as a gate."
)
OLD_NOTE, NEW_NOTE = "(Impellizzeri 2020)", "(Impellizzeri 2021)"


def _fix(model, *, notes: bool) -> None:
    for row in model.objects.all().only("pk", "citations", *(["notes"] if notes else [])):
        fields = []
        if OLD_CITATION in (row.citations or []):
            row.citations = [NEW_CITATION if c == OLD_CITATION else c for c in row.citations]
            fields.append("citations")
        if notes and OLD_NOTE in (row.notes or ""):
            row.notes = row.notes.replace(OLD_NOTE, NEW_NOTE)
            fields.append("notes")
        if fields:
            model.objects.filter(pk=row.pk).update(**{f: getattr(row, f) for f in fields})


def forwards(apps, schema_editor):
    template = apps.get_model("protocols", "ProtocolTemplate")
    phase = apps.get_model("protocols", "PhaseTemplate")
    _fix(template, notes=False)
    _fix(phase, notes=True)
    _fix(apps.get_model("protocols", "PlanPhase"), notes=True)
    install_snapshot(template, phase)


class Migration(migrations.Migration):
    dependencies = [("protocols", "0006_phase_judged_from_ready_from")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
