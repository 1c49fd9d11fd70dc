"""Where a webhook may POST: http(s) URLs whose host resolves to public addresses only."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from helpline.errors import Invalid

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class TargetRefused(Exception):
    """The target is not allowed (private address, bad URL); the delivery is not attempted."""


def check_url(url: str, field: str = "url") -> str:
    """A cleaned http(s) URL with a host, or Invalid naming `field`."""
    url = (url or "").strip()
    if not url:
        raise Invalid(field, "enter the URL to send to")
    if len(url) > 2000:
        raise Invalid(field, "the URL is longer than 2000 characters")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise Invalid(field, "use an http:// or https:// URL")
    try:
        host, _port = parts.hostname, parts.port
    except ValueError:
        raise Invalid(field, "the port is not a number between 0 and 65535") from None
    if not host:
        raise Invalid(field, "the URL has no host")
    if parts.username or parts.password:
        raise Invalid(field, "put credentials in the secret, not in the URL")
    if any(c.isspace() for c in url):
        raise Invalid(field, "the URL must not contain spaces")
    return url


def is_private(address: IPAddress) -> bool:
    """Loopback, private, link-local, multicast, reserved or unspecified: not the internet."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


def literal_address(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def check_literal(url: str, allow_private: bool, field: str = "url") -> None:
    """Refuse at once a URL naming a private address (names are checked at delivery)."""
    host = urlsplit(url).hostname or ""
    address = literal_address(host)
    if host == "localhost" or host.endswith(".localhost"):
        address = ipaddress.ip_address("127.0.0.1")
    if address is not None and is_private(address) and not allow_private:
        raise Invalid(
            field, f"{host} is a private or loopback address; webhooks go to the internet"
        )


async def resolve(url: str, allow_private: bool) -> list[IPAddress]:
    """The addresses to connect to; TargetRefused when any address of the host is private.

    The caller connects to these very addresses (not the name again), so a DNS answer that
    changes between the check and the connection cannot smuggle in an internal target.
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = literal_address(host)
    if address is not None:
        addresses = [address]
    else:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, port, type=socket.SOCK_STREAM
            )
        except OSError as exc:
            raise TargetRefused(f"cannot resolve {host}: {exc}") from None
        found = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
        addresses = list(dict.fromkeys(found))
        if not addresses:
            raise TargetRefused(f"{host} has no address")
    if not allow_private:
        for found in addresses:
            if is_private(found):
                raise TargetRefused(f"{host} resolves to {found}, a private or loopback address")
    return addresses
