"""Install the shipped exercise library (protocols/library/data/exercises.yaml): create the
exercises not there yet and bring the shipped ones up to date. A clinic's own exercises are
left alone; running it again changes nothing."""

from django.core.management.base import BaseCommand

from protocols.services import install_shipped_exercises


class Command(BaseCommand):
    help = "Install or update the shipped exercise library."

    def handle(self, *args, **options):
        created = install_shipped_exercises()
        self.stdout.write(f"{created} shipped exercise(s) installed.")
