"""Pogo hops are plyometric work, high impact (as hopping is everywhere else: a moderate-impact
phase allows "no jumping or sprinting"): the shipped row installed by 0012 said moderate."""

from django.db import migrations


def high(apps, schema_editor):
    apps.get_model("protocols", "Exercise").objects.filter(key="pogo-hops", shipped=True).update(
        impact="high"
    )


def moderate(apps, schema_editor):
    apps.get_model("protocols", "Exercise").objects.filter(key="pogo-hops", shipped=True).update(
        impact="moderate"
    )


class Migration(migrations.Migration):
    dependencies = [("protocols", "0014_shipped_programmes")]

    operations = [migrations.RunPython(high, moderate)]
