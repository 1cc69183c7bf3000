"""Small pieces the provider modules share: addresses as the APIs want them, webhook parsing."""

import hmac
import json
import re
from datetime import UTC, datetime
from typing import Any

from app.delivery.provider import Address, InvalidSignature, MalformedWebhook, PermanentSendError

_FRACTION = re.compile(r"(\.\d{6})\d+")
_TAG_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
# Providers sign at most this long before we see the call; older ones may be replays.
TOLERANCE_SECONDS = 300


def display(address: Address) -> str:
    """`"Name" <addr>` (Unicode kept: the provider encodes the header it builds)."""
    if any(c in address.email + (address.name or "") for c in "\r\n"):
        raise PermanentSendError("address contains a line break")
    if not address.name:
        return address.email
    name = address.name.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{name}" <{address.email}>'


def tag_value(text: str) -> str:
    """A tag value within the narrow alphabet SES and Resend allow."""
    return _TAG_UNSAFE.sub("_", text)[:256]


def same_secret(given: str, expected: str) -> bool:
    """Constant-time string equality, so timing tells nothing about the secret."""
    return hmac.compare_digest(given.encode(), expected.encode())


def fresh(timestamp: str | None, now: float, tolerance: float = TOLERANCE_SECONDS) -> int:
    """The Unix timestamp if it is an integer within `tolerance` of now, else InvalidSignature."""
    if timestamp is None or not timestamp.strip().isdigit():
        raise InvalidSignature("missing or malformed timestamp")
    value = int(timestamp)
    if abs(now - value) > tolerance:
        raise InvalidSignature("stale timestamp")
    return value


def load_json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError as error:
        raise MalformedWebhook("the body is not JSON") from error


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 instant (any fraction length, `Z` or offset) or Unix seconds; else None."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError, ValueError):  # beyond the years a datetime holds
            return None
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(_FRACTION.sub(r"\1", value.replace("Z", "+00:00")))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
