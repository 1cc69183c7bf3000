"""The pooled HTTP client every provider adapter shares: httpx's interface over aiohttp.

The adapters and their tests speak httpx (requests built, auth, timeouts, exceptions);
the bytes go through aiohttp's client, whose HTTP parser is in C and whose pool hands out
an idle connection without walking the others. Through httpcore (1.0.9: h11, anyio, a pool
that checks every idle socket whenever a request starts or ends) one provider call cost a
worker ~3.3M instructions; through aiohttp ~1.7M, which took the worker from ~170 to ~210
letters/s against a provider answering in 50 ms (python -m bench delivery, README).
"""

import json
import ssl
import urllib.request
from base64 import b64encode
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

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
        return _response(answer, content, request)

    async def aclose(self) -> None:
        if self.session is not None:
            await self.session.close()


def _response(
    answer: "aiohttp.ClientResponse", content: bytes, request: httpx.Request | None
) -> httpx.Response:
    extensions: dict[str, Any] = {"http_version": b"HTTP/1.1"}
    if answer.reason:
        extensions["reason_phrase"] = answer.reason.encode()
    return httpx.Response(
        answer.status, headers=answer.raw_headers, stream=httpx.ByteStream(content),
        request=request, extensions=extensions,
    )


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


class PooledClient(httpx.AsyncClient):
    """The client over AiohttpTransport, with one shortcut for the adapters' sends
    (`post_plain`): the request httpx would build, handed to aiohttp without httpx's
    Request and its client's layers (auth flow, redirects, cookie jar), which were ~40% of
    a provider call's CPU. Everything else (the SNS certificate fetch) goes through httpx."""

    def __init__(self, connections: int, timeout: float) -> None:
        self.aiohttp = AiohttpTransport(connections)
        super().__init__(timeout=timeout, transport=self.aiohttp)
        self.plain_urls: dict[str, tuple[str, str]] = {}  # as given -> (as httpx sends it, Host)
        self.plain_timeouts: dict[float, aiohttp.ClientTimeout] = {}

    async def post_plain(
        self, url: str, timeout: float, *, json: Any = None,
        data: dict[str, str | list[str]] | None = None, content: bytes | None = None,
        headers: dict[str, str] | None = None, auth: tuple[str, str] | None = None,
    ) -> httpx.Response:
        """`post(url, timeout=timeout, ...)` with these options, as httpx sends it (the
        same URL, headers in the same order and body: tests/delivery/test_pool.py holds the
        two together). What the shortcut does not cover goes through httpx, as does a call
        on a closed client (which httpx refuses)."""
        sent, host = self._plain_url(url)
        parts = plain_request(self.headers.multi_items(), host, json=json, data=data,
                              content=content, headers=headers, auth=auth)
        if parts is None or self.is_closed:
            return await self.post(url, timeout=timeout, json=json, data=data,
                                   content=content, headers=headers,
                                   auth=httpx.USE_CLIENT_DEFAULT if auth is None else auth)
        wire_headers, body = parts
        try:
            async with self.aiohttp._session().request(
                "POST", sent, headers=wire_headers, data=body or None, allow_redirects=False,
                compress=None, timeout=self._plain_timeout(timeout),
            ) as answer:
                read = await answer.read()
        except Exception as error:
            mapped = _as_httpx(error, httpx.Request("POST", sent))
            if mapped is error:
                raise
            raise mapped from error
        response = _response(answer, read, None)
        response.read()
        return response

    def _plain_url(self, url: str) -> tuple[str, str]:
        known = self.plain_urls.get(url)
        if known is None:
            if len(self.plain_urls) >= 64:  # an adapter's URLs are few: never let this grow
                self.plain_urls.clear()
            parsed = httpx.URL(url)
            known = self.plain_urls[url] = (str(parsed), parsed.netloc.decode("ascii"))
        return known

    def _plain_timeout(self, seconds: float) -> "aiohttp.ClientTimeout":
        import aiohttp

        made = self.plain_timeouts.get(seconds)
        if made is None:  # as httpx's Timeout(seconds) maps in handle_async_request
            made = self.plain_timeouts[seconds] = aiohttp.ClientTimeout(
                connect=seconds, sock_connect=seconds, sock_read=seconds)
        return made


# Header names whose presence changes what httpx adds itself; a request that gives one of
# them (or a header value httpx would refuse, or Authorization as well as `auth`) goes
# through httpx.
_HTTPX_DECIDES = frozenset({"content-length", "transfer-encoding"})


def plain_request(
    defaults: list[tuple[str, str]], host: str, *, json: Any = None,
    data: dict[str, str | list[str]] | None = None, content: bytes | None = None,
    headers: dict[str, str] | None = None, auth: tuple[str, str] | None = None,
) -> tuple[list[tuple[str, str]], bytes] | None:
    """The headers and body httpx 0.28 builds for a POST with these options and the
    client's `defaults` headers, as AiohttpTransport hands them on (httpx's order, names in
    lower case), or None when the options are outside what this covers. httpx's order:
    Host unless given, the client's headers not given again, the given ones,
    Content-Length and Content-Type unless given, then Authorization."""
    given = [(name.lower(), value) for name, value in (headers or {}).items()]
    names = {name for name, _ in given}
    if names & _HTTPX_DECIDES or not all(n.isascii() and v.isascii() for n, v in given):
        return None
    if auth is not None and "authorization" in names:
        return None
    if content:
        body, kind = content, None
    elif data:
        pairs = [(k, item) for k, v in data.items() for item in (v if isinstance(v, list) else [v])]
        if not all(isinstance(v, str) for _, v in pairs):
            return None
        body, kind = urlencode(pairs, doseq=True).encode(), "application/x-www-form-urlencoded"
    elif json is not None and content is None:
        body, kind = _json_bytes(json), "application/json"
    else:  # empty content (httpx adds Content-Length: 0 after Host), or no body at all
        return None
    merged = [] if "host" in names else [("host", host)]  # SES signs the Host it gives
    merged += [(name, value) for name, value in defaults if name not in names]
    merged += given
    merged.append(("content-length", str(len(body))))
    if kind is not None and "content-type" not in names:
        merged.append(("content-type", kind))
    if auth is not None:
        user, password = auth
        token = b64encode(b":".join((user.encode(), password.encode()))).decode()
        merged.append(("authorization", f"Basic {token}"))
    return merged, body


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def pooled_client(connections: int, timeout: float) -> httpx.AsyncClient:
    """The providers' client: room for `connections` at once, all kept alive."""
    if urllib.request.getproxies():
        # httpx routes through HTTP(S)_PROXY only with its own transport: keep it then.
        limits = httpx.Limits(max_connections=connections,
                              max_keepalive_connections=connections)
        return httpx.AsyncClient(timeout=timeout, limits=limits)
    return PooledClient(connections, timeout)
