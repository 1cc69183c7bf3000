"""What every HTTP provider shares: one call over the pooled client, and the status mapping.

2xx is accepted; 429 and 5xx are worth retrying (honouring Retry-After); any other 4xx is
final. Timeouts, refused connections and resets are transient: the provider may have
recovered by the next attempt.
"""

import json
import time
from collections.abc import Iterable
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from app.delivery.provider import PermanentSendError, TransientSendError
from app.delivery.redact import redact


async def post(
    http: httpx.AsyncClient, provider: str, url: str, timeout: float, **request: Any
) -> httpx.Response:
    """POST once; transport failures become TransientSendError."""
    try:
        return await http.post(url, timeout=timeout, **request)
    except httpx.TimeoutException as error:
        raise TransientSendError(f"{provider} timeout") from error
    except httpx.TransportError as error:
        raise TransientSendError(f"{provider} connection: {type(error).__name__}") from error


def raise_for_status(
    provider: str, response: httpx.Response, detail: str, retry_after: float | None = None
) -> None:
    """Nothing for 2xx; otherwise the error the worker acts on, with a short clean reason."""
    status = response.status_code
    if 200 <= status < 300:
        return
    reason = f"{provider} {status}: {redact(detail)}" if detail else f"{provider} {status}"
    if status == 429 or status >= 500:
        wait = parse_retry_after(response.headers.get("retry-after"))
        raise TransientSendError(reason, retry_after=wait if wait is not None else retry_after)
    raise PermanentSendError(reason)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Retry-After as seconds from now: delta-seconds or an HTTP date (RFC 9110 §10.2.3)."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    now = time.time() if now is None else now
    return max(0.0, moment.timestamp() - now)


def json_body(response: httpx.Response) -> dict[str, Any]:
    """The response's JSON object, or {} when the body is empty or not an object."""
    try:
        body = json.loads(response.content or b"null")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def first_text(body: dict[str, Any], keys: Iterable[str]) -> str:
    """`key: value` parts of the first few keys present, for an error reason."""
    parts = [f"{body[k]}" for k in keys if isinstance(body.get(k), str | int) and body[k] != ""]
    return " ".join(parts)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
