"""A real HTTP server on 127.0.0.1 (Starlette under uvicorn, in its own thread).

The provider fakes build on it: each request is recorded, then answered by a handler. It can
also delay every answer (benchmarks), hang past the client's timeout, or reset the TCP
connection, which is what providers and their load balancers do on a bad day.
"""

import asyncio
import json
import socket
import struct
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

Answer = Literal["ok", "rate_limited", "server_error", "rejected", "slow", "reset"]
Handler = Callable[["Received"], Awaitable[Response]]


@dataclass
class Behaviour:
    """What the fake does next; tests change it between calls."""

    answer: Answer = "ok"
    delay: float = 0.0  # seconds before every answer (the 50 ms provider of the benchmarks)
    retry_after: str | None = "7"  # the Retry-After header of a 429, or None for none
    slow_seconds: float = 30.0  # how long "slow" hangs (tests set a much shorter timeout)


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    query: dict[str, str]
    body: bytes
    peer_port: int  # the client's TCP port: one port for many requests means a kept-alive pool

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class LoopbackHttpServer:
    """Serves `handler` for `path` (POST, or `methods`) until stopped; `url` is its base URL."""

    path: str
    handler: Handler
    behaviour: Behaviour = field(default_factory=Behaviour)
    received: list[Received] = field(default_factory=list)
    _server: uvicorn.Server | None = None
    _thread: threading.Thread | None = None
    _stopping: threading.Event = field(default_factory=threading.Event)
    port: int = 0
    methods: tuple[str, ...] = ("POST",)
    # Other endpoints (a provider's search API), served as they are: not recorded, no behaviour.
    more: list[Route] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        main = Route(self.path, self._endpoint, methods=list(self.methods))
        app = Starlette(routes=[main, *self.more])
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=0,
            http="h11",
            ws="none",
            lifespan="off",
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=2,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the fake HTTP server did not start")
            time.sleep(0.01)
        self.port = self._server.servers[0].sockets[0].getsockname()[1]

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> "LoopbackHttpServer":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def _endpoint(self, request: Request) -> Response:
        received = Received(
            method=request.method,
            path=request.url.path,
            headers={k.lower(): v for k, v in request.headers.items()},
            query=dict(request.query_params),
            body=await request.body(),
            peer_port=request.client.port if request.client else 0,
        )
        self.received.append(received)
        behaviour = self.behaviour
        if behaviour.delay:
            await asyncio.sleep(behaviour.delay)
        if behaviour.answer == "reset":
            self._reset(request)
            return Response(status_code=500)
        if behaviour.answer == "slow":
            await self._hang(behaviour.slow_seconds)
        return await self.handler(received)

    async def _hang(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not self._stopping.is_set():
            await asyncio.sleep(0.02)

    def _reset(self, request: Request) -> None:
        """Abort this request's TCP connection with an RST (SO_LINGER 0), mid-request."""
        assert self._server is not None and request.client is not None
        peer = (request.client.host, request.client.port)
        for connection in list(self._server.server_state.connections):
            transport = connection.transport
            if transport.get_extra_info("peername")[:2] == peer:
                sock = transport.get_extra_info("socket")
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                transport.abort()
