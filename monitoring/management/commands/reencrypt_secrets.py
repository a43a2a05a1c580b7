"""Encrypt the secrets kept at rest again under the first of ``FIELD_ENCRYPTION_KEYS``
(``rehab.crypto``): after a new key is put first, before the old ones are dropped. ``--new-key``
prints a new key and changes nothing."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from monitoring.models import WebhookEndpoint
from rehab import crypto


class Command(BaseCommand):
    help = "Encrypt the stored secrets again under the first FIELD_ENCRYPTION_KEYS key."

    def add_arguments(self, parser):
        parser.add_argument("--new-key", action="store_true", help="Print a new key and stop.")

    def handle(self, *args, new_key: bool = False, **options):
        if new_key:
            self.stdout.write(crypto.new_key())
            return
        with transaction.atomic():
            endpoints = list(WebhookEndpoint.objects.select_for_update().only("pk", "secret"))
            for endpoint in endpoints:
                # read with any key, written with the first
                endpoint.save(update_fields=["secret"])
        self.stdout.write(f"{len(endpoints)} webhook secret(s) encrypted under the first key.")
