"""A request id, one access log line and the HTTP metrics for every request.

The log line and the labels carry the route template (`/v1/embassies/{embassy_id}`), never
the path itself, its query string, the client's address or any header but the request id.
"""

import re
import time
import uuid

import structlog
from starlette.applications import Starlette
from starlette.datastructures import Headers, MutableHeaders
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.metrics import Metrics

HEADER = "X-Request-ID"
# An incoming id is kept only when it cannot smuggle anything: short, plain characters.
SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,63}")
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "unmatched"
access_log = structlog.get_logger("app.access")


def request_id(incoming: str | None) -> str:
    """The caller's id when it is sane, else a new one."""
    if incoming and SANE_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


class RouteTemplates:
    """Maps a request path to the template of the route that serves it.

    Matched on the path alone, so a request refused before routing (a body too large) or a
    405 still gets its route's label. Built on first use, once every router is included.
    """

    def __init__(self, app: Starlette) -> None:
        self.app = app
        self._compiled: list[tuple[re.Pattern[str], str]] | None = None

    def __call__(self, path: str) -> str:
        if self._compiled is None:
            self._compiled = [(compile_path(t)[0], t) for t in self._templates()]
        return next((t for regex, t in self._compiled if regex.match(path)), UNMATCHED)

    def _templates(self) -> list[str]:
        found: list[str] = []
        for route in self.app.routes:
            # FastAPI keeps an included router whole; its routes know their full paths.
            contexts = getattr(route, "effective_route_contexts", None)
            nested = list(contexts()) if callable(contexts) else [route]
            for each in nested:
                template = getattr(each, "path_format", None) or getattr(each, "path", None)
                if isinstance(template, str) and template:
                    found.append(template)
        # A literal segment beats a parameter (/v1/embassies/nearest before /{embassy_id}).
        return sorted(dict.fromkeys(found), key=lambda t: t.count("{"))


class RequestContext:
    def __init__(self, app: ASGIApp, metrics: Metrics, routes: RouteTemplates) -> None:
        self.app = app
        self.metrics = metrics
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = request_id(Headers(scope=scope).get(HEADER))
        status = 500  # what the client gets when an error escapes before a response starts

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[HEADER] = rid
            await send(message)

        started = time.perf_counter()
        with structlog.contextvars.bound_contextvars(request_id=rid):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                self._record(scope, status, time.perf_counter() - started)

    def _record(self, scope: Scope, status: int, seconds: float) -> None:
        method = scope["method"] if scope["method"] in METHODS else "OTHER"
        route = self.routes(scope["path"])
        self.metrics.observe_request(method, route, status, seconds)
        access_log.info(
            "http_request",
            method=method,
            route=route,
            status=status,
            duration_ms=round(seconds * 1000, 2),
        )
