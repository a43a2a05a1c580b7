"""Secrets kept at rest encrypted (a webhook endpoint's signing secret): Fernet tokens of the
``cryptography`` package (AES-128-CBC with HMAC-SHA256), with key rotation (``MultiFernet``).

The keys are ``settings.FIELD_ENCRYPTION_KEYS``: the first encrypts, every one decrypts. A
deployment sets them (``FIELD_ENCRYPTION_KEYS``, Fernet keys, comma-separated) so that they
are not the ``SECRET_KEY``. Without them the one key is derived from the ``SECRET_KEY`` (HKDF),
and a new ``SECRET_KEY`` then leaves the stored secrets unreadable until they are rotated; with
them the derived key still decrypts (last), so that a deployment that starts setting them
reads what it wrote before. To rotate: put a new key first, keep the old ones after it, run
``manage.py reencrypt_secrets``, then drop the old ones (docs/operations.md).
"""

from __future__ import annotations

import base64
import functools

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

__all__ = ["InvalidToken", "decrypt", "encrypt", "is_token", "new_key", "rotate"]

_DERIVATION_INFO = b"rehab field encryption v1"


def new_key() -> str:
    """A new random Fernet key, as ``FIELD_ENCRYPTION_KEYS`` takes it."""
    return Fernet.generate_key().decode()


def _derived_key(secret_key: str) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_DERIVATION_INFO)
    return base64.urlsafe_b64encode(hkdf.derive(secret_key.encode()))


@functools.cache
def _fernet(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    derived = Fernet(_derived_key(secret_key))
    return MultiFernet([*(Fernet(key.encode()) for key in keys), derived])


def _keys() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS), settings.SECRET_KEY)


def encrypt(text: str) -> str:
    """``text`` as a Fernet token (ASCII), under the first key."""
    return _keys().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    """The text of a token made by ``encrypt`` under any of the keys; ``InvalidToken`` if none
    of them made it (or it was changed)."""
    return _keys().decrypt(token.encode()).decode()


def rotate(token: str) -> str:
    """The same text under the first key."""
    return _keys().rotate(token.encode()).decode()


def is_token(value: str) -> bool:
    """Whether ``value`` looks like a Fernet token (version byte 0x80, base64): what a column
    written before encryption (plain text) is not."""
    return value.startswith("gAAAAA")
