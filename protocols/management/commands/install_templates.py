"""Install the shipped protocol templates (protocols/library/data) that are not there yet.

A template whose version is new retires the published version of its slug; running plans keep
the phases they were drafted with. Running it again installs nothing.
"""

from django.core.management.base import BaseCommand

from protocols.services import install_shipped_templates


class Command(BaseCommand):
    help = "Install the shipped protocol templates that are not in the database yet."

    def handle(self, *args, **options):
        installed = install_shipped_templates()
        self.stdout.write(f"{installed} shipped template(s) installed.")
