"""Web origins (RFC 6454) as browsers send them in `Origin`: scheme://host[:port]. Pure."""

from urllib.parse import urlsplit

import idna

_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalize_origin(value: str) -> str:
    """The canonical form of an origin; ValueError with a reason for anything else.

    Browsers send origins lowercase and without a default port, so comparing canonical
    forms is exact string equality; paths, queries and credentials are refused rather than
    silently dropped, because an operator who typed them meant something else.
    """
    text = value.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"{text!r} is not an origin: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise ValueError(f"{text!r} is not an origin: the scheme must be http or https")
    if not parts.hostname:
        raise ValueError(f"{text!r} is not an origin: it has no host")
    if parts.username or parts.password or parts.path not in ("", "/"):
        raise ValueError(f"{text!r} is not an origin: only scheme://host[:port]")
    if parts.query or parts.fragment:
        raise ValueError(f"{text!r} is not an origin: only scheme://host[:port]")
    host = _ascii_host(parts.hostname.lower(), text)
    if ":" in host:
        host = f"[{host}]"
    suffix = "" if port in (None, _DEFAULT_PORTS[scheme]) else f":{port}"
    return f"{scheme}://{host}{suffix}"


def _ascii_host(host: str, text: str) -> str:
    # Browsers send an internationalised host in its A-label (punycode) form.
    if host.isascii():
        return host
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError:
        raise ValueError(f"{text!r} is not an origin: the host is not a valid name") from None


def normalize_origins(values: list[str]) -> tuple[str, ...]:
    """Canonical, de-duplicated, in the order given."""
    return tuple(dict.fromkeys(normalize_origin(v) for v in values))
