"""``manage.py seed_demo``: the demo clinic with one login per role (see monitoring/demo.py)."""

from django.core.management.base import BaseCommand

from monitoring.demo import DEMO_PASSWORD, DEMO_USERS, seed
from monitoring.models import Flag


class Command(BaseCommand):
    help = f"Create the demo clinic with one login per role (password: {DEMO_PASSWORD})."

    def handle(self, *args, **options):
        seed()
        kinds = sorted(
            set(Flag.objects.filter(status__in=Flag.UNRESOLVED).values_list("kind", flat=True))
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo clinic ready ({len(kinds)} kinds of open flag: {', '.join(kinds)})."
            )
        )
        self.stdout.write(f"Logins, each with the password {DEMO_PASSWORD}:")
        for username, first, last, kind in DEMO_USERS:
            self.stdout.write(f"  {username:<13} {first} {last} ({kind.label})")
        self.stdout.write("  admin         Django admin (superuser)")
