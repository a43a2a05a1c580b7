"""A database from before clinics: every existing user, team and athlete joins one clinic, and
its superusers become the clinic's administrators. An empty database gets no clinic (the first
superuser names theirs on first sign-in)."""

from django.db import migrations


def one_clinic(apps, schema_editor):
    Clinic = apps.get_model("athletes", "Clinic")
    User = apps.get_model("athletes", "User")
    Team = apps.get_model("athletes", "Team")
    Athlete = apps.get_model("athletes", "Athlete")
    if not (User.objects.exists() or Team.objects.exists() or Athlete.objects.exists()):
        return
    clinic = Clinic.objects.create(name="Our clinic")
    User.objects.filter(clinic__isnull=True).update(clinic=clinic)
    User.objects.filter(is_superuser=True).update(is_clinic_admin=True)
    Team.objects.filter(clinic__isnull=True).update(clinic=clinic)
    Athlete.objects.filter(clinic__isnull=True).update(clinic=clinic)


class Migration(migrations.Migration):
    dependencies = [("athletes", "0008_clinics_and_invitations")]

    operations = [migrations.RunPython(one_clinic, migrations.RunPython.noop)]
