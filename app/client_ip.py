"""Which address is the client's: the peer, or what a trusted proxy says it forwarded."""

import socket
from collections.abc import Sequence
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

Network = IPv4Network | IPv6Network
Address = IPv4Address | IPv6Address


def _parse(value: str) -> Address | None:
    try:
        return ip_address(value.strip())
    except ValueError:
        return None


def _plain_ipv4(value: str) -> bool:
    """Four decimal octets up to 255, no leading zeros, nothing else: what `ip_address`
    parses as IPv4 and `str` writes back unchanged. inet_pton's rules (C: a tenth of the
    instructions of parsing with `ipaddress`, which was a fifth of reading a request)."""
    try:
        socket.inet_pton(socket.AF_INET, value)
    except (OSError, UnicodeError, ValueError):
        return False
    return True


def _trusted(addr: Address, proxies: Sequence[Network]) -> bool:
    return any(addr.version == net.version and addr in net for net in proxies)


def client_ip(
    peer: str | None, forwarded_for: str | None, proxies: Sequence[Network]
) -> str | None:
    """The client's address.

    X-Forwarded-For is read right to left and believed only while each hop is a trusted
    proxy: the first untrusted hop is the client. Anything a client wrote further left
    is its own claim and ignored, so nobody can pick their location by sending a header.
    """
    if not forwarded_for and peer and _plain_ipv4(peer):
        return peer  # the usual case, as parsed and written back below, without parsing it
    current = _parse(peer) if peer else None
    if current is None or not forwarded_for or not _trusted(current, proxies):
        return str(current) if current else None
    for hop in reversed(forwarded_for.split(",")):
        parsed = _parse(hop)
        if parsed is None:
            break
        current = parsed
        if not _trusted(current, proxies):
            break
    return str(current)
