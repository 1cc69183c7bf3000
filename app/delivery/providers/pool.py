"""The pooled HTTP client every provider adapter shares: httpx's interface over aiohttp.

The adapters and their tests speak httpx (requests built, auth, timeouts, exceptions);
the bytes go through aiohttp's client, whose HTTP parser is in C and whose pool hands out
an idle connection without walking the others. Through httpcore (1.0.9: h11, anyio, a pool
that checks every idle socket whenever a request starts or ends) one provider call cost a
worker ~3.3M instructions; through aiohttp ~1.7M, which took the worker from ~170 to ~210
letters/s against a provider answering in 50 ms (python -m bench delivery, README).
"""

import ssl
import urllib.request
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    import aiohttp

# Nothing added that httpx did not put there: httpx sets User-Agent, Accept and
# Accept-Encoding itself, and a body without a Content-Type goes without one (as through
# httpx's own transport), not as application/octet-stream.
NO_AUTO_HEADERS = ("User-Agent", "Accept", "Accept-Encoding", "Content-Type")


class AiohttpTransport(httpx.AsyncBaseTransport):
    """httpx requests sent by one aiohttp session (made in the running loop at the first
    request), `connections` at most at once, every idle one kept alive."""

    def __init__(self, connections: int) -> None:
        self.connections = connections
        self.tls: ssl.SSLContext | None = None
        self.session: aiohttp.ClientSession | None = None

    def _session(self) -> "aiohttp.ClientSession":
        # Made at the first request, aiohttp imported then: the TLS context costs ~0.06 s
        # of a start, and a server that never calls a provider (the console provider, an
        # API without its worker) never holds aiohttp (~6 MiB resident).
        import aiohttp

        if self.session is None or self.session.closed:
            # httpx's default TLS (certifi's roots, or SSL_CERT_FILE / SSL_CERT_DIR).
            self.tls = self.tls or httpx.create_ssl_context()
            connector = aiohttp.TCPConnector(limit=self.connections, ssl=self.tls)
            self.session = aiohttp.ClientSession(
                connector=connector, cookie_jar=aiohttp.DummyCookieJar(),
                skip_auto_headers=NO_AUTO_HEADERS, auto_decompress=False,  # httpx decodes
            )
        return self.session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        import aiohttp

        timeout = request.extensions.get("timeout", {})
        body = await request.aread()
        try:
            async with self._session().request(
                request.method, str(request.url), headers=request.headers.multi_items(),
                data=body or None, allow_redirects=False, compress=None,
                timeout=aiohttp.ClientTimeout(
                    connect=timeout.get("pool"), sock_connect=timeout.get("connect"),
                    sock_read=timeout.get("read"),
                ),
            ) as answer:
                content = await answer.read()  # a provider's answer is small: read it here
        except Exception as error:
            mapped = _as_httpx(error, request)
            if mapped is error:
                raise
            raise mapped from error
        extensions: dict[str, Any] = {"http_version": b"HTTP/1.1"}
        if answer.reason:
            extensions["reason_phrase"] = answer.reason.encode()
        return httpx.Response(
            answer.status, headers=answer.raw_headers, stream=httpx.ByteStream(content),
            request=request, extensions=extensions,
        )

    async def aclose(self) -> None:
        if self.session is not None:
            await self.session.close()


def _as_httpx(error: Exception, request: httpx.Request) -> Exception:
    """aiohttp's failure as the httpx exception httpx's own transport raises for it (what
    the adapters map: timeouts, then any other transport error; transient both)."""
    import aiohttp

    message = str(error) or type(error).__name__
    if isinstance(error, aiohttp.ConnectionTimeoutError):
        return httpx.ConnectTimeout(message, request=request)
    if isinstance(error, TimeoutError):  # sock_read's SocketTimeoutError among them
        return httpx.ReadTimeout(message, request=request)
    if isinstance(error, aiohttp.ClientConnectorError):
        return httpx.ConnectError(message, request=request)
    if isinstance(error, aiohttp.ServerDisconnectedError | aiohttp.ClientPayloadError
                  | aiohttp.ClientResponseError):
        return httpx.RemoteProtocolError(message, request=request)
    if isinstance(error, aiohttp.ClientError | OSError):
        return httpx.ReadError(message, request=request)
    return error


def pooled_client(connections: int, timeout: float) -> httpx.AsyncClient:
    """The providers' client: room for `connections` at once, all kept alive."""
    if urllib.request.getproxies():
        # httpx routes through HTTP(S)_PROXY only with its own transport: keep it then.
        limits = httpx.Limits(max_connections=connections,
                              max_keepalive_connections=connections)
        return httpx.AsyncClient(timeout=timeout, limits=limits)
    return httpx.AsyncClient(timeout=timeout, transport=AiohttpTransport(connections))
