"""The providers' pooled client: httpx's interface over aiohttp, verifying TLS, made at the
first request rather than at start-up."""

import ssl

import httpx
import pytest

from app.delivery.providers.pool import AiohttpTransport, pooled_client
from bench.server import free_port


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
