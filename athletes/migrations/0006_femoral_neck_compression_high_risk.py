"""Both sides of the femoral neck are high risk (clinical.md §11): open compression-side cases
take the high-risk class, as new ones do."""

from django.db import migrations


def raise_risk(apps, schema_editor):
    case = apps.get_model("athletes", "Case")
    case.objects.filter(site="femoral_neck_compression", risk="low").update(risk="high")


class Migration(migrations.Migration):
    dependencies = [("athletes", "0005_site_patella_femoral_neck_findings")]
    operations = [migrations.RunPython(raise_risk, migrations.RunPython.noop)]
