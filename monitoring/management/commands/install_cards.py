"""Install the shipped education cards (protocols/library/data/education.yaml) on the phases of
the shipped templates that have none yet; run it after ``install_templates``. Running it again
installs nothing."""

from django.core.management.base import BaseCommand

from monitoring.care.services import install_shipped_cards


class Command(BaseCommand):
    help = "Attach the shipped education cards to the shipped templates' phases that have none."

    def handle(self, *args, **options):
        installed = install_shipped_cards()
        self.stdout.write(f"{installed} shipped education card(s) installed.")
