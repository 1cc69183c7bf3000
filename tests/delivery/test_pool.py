"""The providers' pooled client: httpx's interface over aiohttp, verifying TLS, made at the
first request rather than at start-up."""

import ssl
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.delivery.providers.pool import (
    AiohttpTransport,
    PooledClient,
    plain_request,
    pooled_client,
)
from app.delivery.providers.transport import HttpProvider
from bench.server import free_port
from tests.fakes.provider_servers import PostmarkServer

from .factory import letter
from .providers import KINDS, TIMEOUT, Kind

Parts = tuple[list[tuple[str, str]], bytes]


async def test_the_session_opens_at_the_first_request_with_verifying_tls() -> None:
    async with pooled_client(connections=64, timeout=10.0) as client:
        transport = client._transport
        assert isinstance(transport, AiohttpTransport)
        assert transport.session is None and transport.tls is None  # nothing made yet
        # Nobody listens there: aiohttp's refusal is the httpx exception the adapters map.
        with pytest.raises(httpx.ConnectError):
            await client.get(f"http://127.0.0.1:{free_port()}/")
        assert transport.session is not None
        tls = transport.tls
        assert tls is not None
        assert tls.verify_mode == ssl.CERT_REQUIRED and tls.check_hostname


def _as_httpx_builds(client: httpx.AsyncClient, url: str, options: dict[str, Any]) -> Parts:
    """The headers and body httpx builds for this POST (auth applied as its flow does)."""
    options = dict(options)
    auth = options.pop("auth", None)
    request = client.build_request("POST", url, **options)
    if auth is not None:
        request = next(httpx.BasicAuth(*auth).sync_auth_flow(request))
    return request.headers.multi_items(), request.content


def _plain(client: httpx.AsyncClient, url: str, options: dict[str, Any]) -> Parts | None:
    host = httpx.URL(url).netloc.decode()
    return plain_request(client.headers.multi_items(), host, **options)


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
async def test_every_adapters_send_goes_as_httpx_would_build_it(
    kind: Kind, http: httpx.AsyncClient
) -> None:
    """The shortcut past httpx's Request sends the same headers, in the same order, and
    the same body as httpx would (for an adapter's real request, non-ASCII text in it)."""
    with kind.fake() as fake:
        provider = kind.adapter(fake, http, True, TIMEOUT)
        assert isinstance(provider, HttpProvider)
        url, options = provider.request(letter())
        assert isinstance(http, PooledClient)
        assert http._plain_url(url)[0] == str(httpx.URL(url))
        assert _plain(http, url, dict(options)) == _as_httpx_builds(http, url, dict(options))
        await provider.send(letter())
        assert len(fake.received) == 1


ASCII_TEXT = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=12)
TOKEN = st.text(st.sampled_from("abcXYZ-_09"), min_size=1, max_size=8)
NAMES = st.one_of(TOKEN, st.sampled_from(
    ["Accept", "accept", "User-Agent", "CONTENT-TYPE", "Connection", "Host", "Authorization",
     "Content-Length", "X-Token"]))
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner,
                                                                max_size=3),
    max_leaves=8,
)
BODIES = st.one_of(
    st.fixed_dictionaries({"json": JSON}),
    st.fixed_dictionaries({"data": st.dictionaries(
        st.text(max_size=6), st.text(max_size=6) | st.lists(st.text(max_size=6), max_size=3),
        max_size=4)}),
    st.fixed_dictionaries({"content": st.binary(max_size=20)}),
)


@settings(max_examples=300, deadline=None)
@given(
    body=BODIES,
    headers=st.none() | st.dictionaries(NAMES, ASCII_TEXT, max_size=4),
    auth=st.none() | st.tuples(st.text(max_size=6), st.text(max_size=6)),
)
def test_the_shortcut_builds_what_httpx_builds_or_leaves_it_to_httpx(
    body: dict[str, Any], headers: dict[str, str] | None, auth: tuple[str, str] | None
) -> None:
    client = pooled_client(connections=1, timeout=10.0)
    options = {**body, "headers": headers, "auth": auth}
    plain = _plain(client, "http://127.0.0.1:8025/v3/mail/send?x=1", options)
    if plain is not None:  # None: httpx builds it (a header httpx decides, an empty body)
        expected = _as_httpx_builds(client, "http://127.0.0.1:8025/v3/mail/send?x=1", options)
        assert plain == expected


async def test_a_request_outside_the_shortcut_goes_through_httpx(
    http: httpx.AsyncClient
) -> None:
    with PostmarkServer() as fake:
        assert isinstance(http, PooledClient)
        host = httpx.URL(fake.url).netloc.decode()
        answer = await http.post_plain(f"{fake.url}/email", 10.0, content=b"{}",
                                       headers={"Content-Length": "2", "Host": host})
        assert answer.status_code == 401  # no token: the fake's answer, read by httpx
        assert fake.received[-1].body == b"{}"


async def test_a_closed_client_refuses_the_shortcut_as_httpx_does() -> None:
    client = pooled_client(connections=1, timeout=10.0)
    assert isinstance(client, PooledClient)
    await client.aclose()
    with pytest.raises(RuntimeError, match="closed"):
        await client.post_plain(f"http://127.0.0.1:{free_port()}/", 1.0, json={})
    assert client.aiohttp.session is None  # no session made again after the close
