"""Which URLs a webhook may call: no server-side request to the clinic's own network.

An endpoint's host must resolve to public addresses only (not loopback, private, link-local,
multicast or reserved), checked when the endpoint is saved and again before each attempt (the
name may resolve elsewhere later). ``REHAB_WEBHOOKS_ALLOW_PRIVATE`` (on in ``DJANGO_ENV=test``
and ``local``) lets a local receiver be used; production also requires https.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

from rehab.errors import ApplicationError


def is_public(address: str) -> bool:
    """A global unicast address (an IPv4-mapped IPv6 address is judged as its IPv4)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _refuse(message: str) -> ApplicationError:
    return ApplicationError(message, {"url": message})


def check_url(url: str) -> None:
    """Raise an ``ApplicationError`` on ``url`` unless a webhook may call it."""
    parts = urlsplit(url)
    allow_private = settings.REHAB_WEBHOOKS_ALLOW_PRIVATE
    schemes = {"https", "http"} if allow_private else {"https"}
    if parts.scheme not in schemes:
        raise _refuse("Use an https:// address.")
    if not parts.hostname:
        raise _refuse("The address has no host.")
    if parts.username or parts.password:
        raise _refuse("Put no user name or password in the address; verify the signature.")
    if allow_private:
        return
    try:
        port = parts.port or 443
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError, UnicodeError):
        raise _refuse("The host name does not resolve.") from None
    if not infos or not all(is_public(info[4][0]) for info in infos):
        raise _refuse("The host resolves to a private or local address; use a public one.")
