"""The notices sent before notices named their findings: each gets the rules its flag's
evaluation fired, so that the first evaluation after this change does not take every finding
of an open flag for news (a "worse" notice and e-mail for nothing new)."""

from django.db import migrations

CHUNK = 500


def backfill(apps, schema_editor):
    Notification = apps.get_model("monitoring", "Notification")
    Flag = apps.get_model("monitoring", "Flag")
    flag_ids = sorted(
        set(
            Notification.objects.filter(finding="", flag__isnull=False).values_list(
                "flag_id", flat=True
            )
        )
    )
    for start in range(0, len(flag_ids), CHUNK):
        chunk = flag_ids[start : start + CHUNK]
        for flag in Flag.objects.filter(pk__in=chunk).only("id", "kind", "evaluation"):
            evaluation = flag.evaluation if isinstance(flag.evaluation, dict) else {}
            red = flag.kind == "red_flag"
            kinds = dict.fromkeys(
                r["kind"]
                for r in evaluation.get("fired") or []
                if isinstance(r, dict) and r.get("kind") and bool(r.get("red_flag")) == red
            )
            if kinds:
                Notification.objects.filter(flag_id=flag.pk, finding="").update(
                    finding=",".join(kinds)[:200]
                )


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0008_evaluation_red_flags")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True)]
