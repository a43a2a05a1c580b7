"""Install the protocol templates shipped with the product (protocols/library.py)."""

from django.db import migrations


def install(apps, schema_editor):
    from protocols.services import install_shipped_templates

    install_shipped_templates(
        apps.get_model("protocols", "ProtocolTemplate"),
        apps.get_model("protocols", "PhaseTemplate"),
    )


def uninstall(apps, schema_editor):
    template = apps.get_model("protocols", "ProtocolTemplate")
    template.objects.filter(shipped=True, plans__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("protocols", "0001_initial")]
    operations = [migrations.RunPython(install, uninstall)]
