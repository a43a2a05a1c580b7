"""Install the shipped run-walk programmes (protocols/library/data/programmes.yaml) that are not
there yet. Running it again installs nothing."""

from django.core.management.base import BaseCommand

from protocols.services.programmes import install_shipped_programmes


class Command(BaseCommand):
    help = "Install the shipped run-walk programmes that are not in the database yet."

    def handle(self, *args, **options):
        installed = install_shipped_programmes()
        self.stdout.write(f"{installed} shipped run-walk programme(s) installed.")
