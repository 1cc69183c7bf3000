"""The providers' pooled client: httpx's interface over aiohttp, verifying TLS."""

import ssl

import httpx
import pytest

from app.delivery.providers.pool import AiohttpTransport, pooled_client


async def test_the_client_verifies_tls_and_sends_through_aiohttp() -> None:
    async with pooled_client(connections=64, timeout=10.0) as client:
        transport = client._transport
        assert isinstance(transport, AiohttpTransport)
        assert transport.tls.verify_mode == ssl.CERT_REQUIRED and transport.tls.check_hostname


async def test_nothing_listening_is_httpx_connect_error() -> None:
    # The adapters map httpx's exceptions: aiohttp's own must not pass through.
    async with pooled_client(connections=2, timeout=5.0) as client:
        with pytest.raises(httpx.ConnectError):
            await client.post("http://127.0.0.1:9/email", json={})
