"""The providers' pooled client: several pools side by side, one TLS context among them,
made at the first request rather than at start-up."""

import ssl

import httpx
import pytest

from app.delivery.providers.pool import PoolsSideBySide, pooled_client
from bench.server import free_port


async def test_the_pools_open_at_the_first_request_sharing_one_verifying_tls_context() -> None:
    async with pooled_client(connections=64, timeout=10.0) as client:
        transport = client._transport
        assert isinstance(transport, PoolsSideBySide)
        assert transport.pools == []  # nothing made while nothing is sent
        with pytest.raises(httpx.ConnectError):  # nobody listens there: the pools still open
            await client.get(f"http://127.0.0.1:{free_port()}/")
        assert len(transport.pools) > 1
        # Each context holds its own copy of the CA bundle: one per pool cost ~1 MiB apiece.
        contexts = {id(pool._pool._ssl_context) for pool in transport.pools}
        assert len(contexts) == 1
        context = transport.pools[0]._pool._ssl_context
        assert context is not None
        assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
        assert transport.in_flight == [0] * len(transport.pools)
