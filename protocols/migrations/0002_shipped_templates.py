"""Install the protocol templates shipped with the product, from a frozen snapshot stored next
to the migrations (shipped_templates_0007.json: the library as 0007 left it, so that a new
database gets the same templates whichever way it is migrated)."""


from django.db import migrations

from ._shipped import install_snapshot


def install(apps, schema_editor):
    install_snapshot(
        apps.get_model("protocols", "ProtocolTemplate"),
        apps.get_model("protocols", "PhaseTemplate"),
    )


def uninstall(apps, schema_editor):
    template = apps.get_model("protocols", "ProtocolTemplate")
    template.objects.filter(shipped=True, plans__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("protocols", "0001_initial")]
    operations = [migrations.RunPython(install, uninstall)]
