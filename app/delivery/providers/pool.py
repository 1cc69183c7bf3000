"""The pooled HTTP client every provider adapter shares: httpx, over several small pools.

httpcore's pool (1.0.9) walks all of its connections, checking each idle socket, whenever a
request starts or ends, and counts every connection, busy or not, against
`max_keepalive_connections`. With 32 sends in flight that cost a worker ~3 ms of CPU per
provider call (and closed connections as they fell idle, so the next sends connected
afresh); pools of 8 connections side by side cost ~0.7 ms (python -m bench.bench_delivery).
"""

import math
import urllib.request

import httpx

POOL_CONNECTIONS = 8


class PoolsSideBySide(httpx.AsyncBaseTransport):
    """Each request goes to the pool with the fewest requests in flight; the first on a
    tie, so a quiet worker keeps reusing one kept-alive connection."""

    def __init__(self, connections: int, per_pool: int = POOL_CONNECTIONS) -> None:
        self.count = max(1, math.ceil(connections / per_pool))
        self.size = math.ceil(connections / self.count)
        self.in_flight = [0] * self.count
        # Made at the first request: the TLS context and httpcore cost ~0.06 s of a start,
        # and a server with the console provider may never call out at all.
        self.pools: list[httpx.AsyncHTTPTransport] = []

    def _open(self) -> list[httpx.AsyncHTTPTransport]:
        # Every connection a pool may hold stays alive: idle ones are the ones reused.
        limits = httpx.Limits(max_connections=self.size, max_keepalive_connections=self.size)
        # One TLS context for every pool (httpx's default: certifi's roots, SSL_CERT_FILE
        # or SSL_CERT_DIR if set): each pool making its own loaded the CA bundle again,
        # ~1 MiB resident apiece.
        tls = httpx.create_ssl_context()
        self.pools = [httpx.AsyncHTTPTransport(limits=limits, verify=tls)
                      for _ in range(self.count)]
        return self.pools

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        pools = self.pools or self._open()
        index = self.in_flight.index(min(self.in_flight))
        self.in_flight[index] += 1
        try:
            return await pools[index].handle_async_request(request)
        finally:
            self.in_flight[index] -= 1

    async def aclose(self) -> None:
        for pool in self.pools:
            await pool.aclose()


def pooled_client(connections: int, timeout: float) -> httpx.AsyncClient:
    """The providers' client: room for `connections` at once, all kept alive."""
    if urllib.request.getproxies():
        # httpx routes through HTTP(S)_PROXY only with its own transport: keep it then.
        limits = httpx.Limits(max_connections=connections,
                              max_keepalive_connections=connections)
        return httpx.AsyncClient(timeout=timeout, limits=limits)
    return httpx.AsyncClient(timeout=timeout, transport=PoolsSideBySide(connections))
