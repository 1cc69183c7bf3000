"""The providers' pooled client: several pools side by side, one TLS context among them."""

import ssl

from app.delivery.providers.pool import PoolsSideBySide, pooled_client


async def test_the_pools_share_one_verifying_tls_context() -> None:
    # Each context holds its own copy of the CA bundle: one per pool cost ~1 MiB apiece.
    async with pooled_client(connections=64, timeout=10.0) as client:
        transport = client._transport
        assert isinstance(transport, PoolsSideBySide)
        assert len(transport.pools) > 1
        contexts = {id(pool._pool._ssl_context) for pool in transport.pools}
        assert len(contexts) == 1
        context = transport.pools[0]._pool._ssl_context
        assert context is not None
        assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
