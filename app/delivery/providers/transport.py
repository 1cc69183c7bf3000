"""What every HTTP provider shares: one call over the pooled client, and the status mapping.

2xx is accepted; 429 and 5xx are worth retrying (honouring Retry-After); any other 4xx is
final. Timeouts, refused connections and resets are transient: the provider may have
recovered by the next attempt.

`HttpProvider` is the send path of every HTTP adapter (one POST, check the status, read the
provider's id); an adapter says only what its API wants: the request, where the error text
and the id are, and any status quirk.
"""

import json
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from email.utils import parsedate_to_datetime
from typing import Any, Generic, Protocol, TypedDict, TypeVar

import httpx
from pydantic import SecretStr

from app.delivery.provider import (
    Accepted,
    OutgoingEmail,
    PermanentSendError,
    ProviderNotConfigured,
    TransientSendError,
)
from app.delivery.providers.common import text
from app.delivery.providers.pool import PooledClient
from app.delivery.redact import redact


class HttpConfig(Protocol):
    """What every adapter's config has, whatever its credentials look like."""

    @property
    def base_url(self) -> str: ...

    @property
    def timeout(self) -> float: ...


class RequestOptions(TypedDict, total=False):
    """The parts of one POST an adapter chooses (httpx's keyword arguments of the same names)."""

    json: Any
    data: dict[str, str | list[str]]
    content: bytes
    headers: dict[str, str]
    auth: tuple[str, str]


ConfigT = TypeVar("ConfigT", bound=HttpConfig)


class HttpProvider(Generic[ConfigT]):
    """Send = one POST to `request`'s URL, `check` the answer, then `provider_id` or our id."""

    name: str
    # The JSON keys whose values make the error reason, and the one holding the provider's id.
    error_keys: tuple[str, ...] = ("message",)
    id_key: str = "id"

    def __init__(self, config: ConfigT, http: httpx.AsyncClient) -> None:
        self.config = config
        self.http = http

    async def send(self, email: OutgoingEmail) -> Accepted:
        url, options = self.request(email)
        response = await post(self.http, self.name, url, self.config.timeout, **options)
        self.check(response)
        return Accepted(self.provider_id(response) or email.message_id)

    async def aclose(self) -> None:
        return None

    def url(self, path: str) -> str:
        return self.config.base_url.rstrip("/") + path

    def request(self, email: OutgoingEmail) -> tuple[str, RequestOptions]:
        """The URL and the POST's parts for this message."""
        raise NotImplementedError

    def check(self, response: httpx.Response) -> None:
        raise_for_status(self.name, response, first_text(json_body(response), self.error_keys))

    def provider_id(self, response: httpx.Response) -> str | None:
        return text(json_body(response).get(self.id_key))


def required(secret: SecretStr | None, setting: str) -> str:
    """The credential's value; ProviderNotConfigured naming the setting when it is unset."""
    if secret is None:
        raise ProviderNotConfigured(f"{setting} is not set")
    return secret.get_secret_value()


async def post(
    http: httpx.AsyncClient, provider: str, url: str, timeout: float, **request: Any
) -> httpx.Response:
    """POST once; transport failures become TransientSendError."""
    with _transient_transport(provider):
        if isinstance(http, PooledClient):
            return await http.post_plain(url, timeout, **request)
        return await http.post(url, timeout=timeout, **request)


async def get(
    http: httpx.AsyncClient, provider: str, url: str, timeout: float,
    params: dict[str, str | int], headers: dict[str, str],
) -> httpx.Response:
    """GET once (a provider's search API); transport failures become TransientSendError."""
    with _transient_transport(provider):
        return await http.get(url, params=params, headers=headers, timeout=timeout)


@contextmanager
def _transient_transport(provider: str) -> Iterator[None]:
    try:
        yield
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
