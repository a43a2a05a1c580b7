"""Print a new VAPID key pair for Web Push, as the environment takes it (docs/push.md)."""

from __future__ import annotations

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Print a new VAPID key pair (REHAB_VAPID_PUBLIC_KEY and REHAB_VAPID_PRIVATE_KEY)."

    def handle(self, *args, **options):
        from cryptography.hazmat.primitives import serialization
        from py_vapid import Vapid, b64urlencode

        vapid = Vapid()
        vapid.generate_keys()
        public = vapid.public_key.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        private = vapid.private_key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        self.stdout.write(f"REHAB_VAPID_PUBLIC_KEY={b64urlencode(public)}")
        self.stdout.write(f"REHAB_VAPID_PRIVATE_KEY={b64urlencode(private)}")
