"""CORS for a list of allowed origins that changes while the app runs (partners come and go).

Starlette's CORSMiddleware takes a fixed list at start-up; this one asks `allows(origin)`
on each request. An origin it does not allow gets no Access-Control-Allow-Origin at all,
so the browser keeps the answer from that page. Every answer says `Vary: Origin`, so no
cache serves one origin's answer to another. No credentials: keys travel in a header.
"""

from collections.abc import Callable

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.problems import problem_response

ALLOW_METHODS = "GET, POST, DELETE, OPTIONS"
ALLOW_HEADERS = "Accept, Accept-Language, Content-Type, Idempotency-Key, X-API-Key"
EXPOSE_HEADERS = (
    "Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Content-Disposition"
)
MAX_AGE = "600"


class PartnerCORS:
    def __init__(self, app: ASGIApp, allows: Callable[[str], bool]) -> None:
        self.app = app
        self.allows = allows

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        allowed = origin is not None and self.allows(origin)
        if scope["method"] == "OPTIONS" and origin and "access-control-request-method" in headers:
            await _preflight(origin if allowed else None, scope, receive, send)
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = MutableHeaders(scope=message)
                out.add_vary_header("Origin")
                if allowed and origin:
                    out["Access-Control-Allow-Origin"] = origin
                    out["Access-Control-Expose-Headers"] = EXPOSE_HEADERS
            await send(message)

        await self.app(scope, receive, send_with_cors)


async def _preflight(origin: str | None, scope: Scope, receive: Receive, send: Send) -> None:
    response: Response
    if origin is None:
        response = problem_response(
            403,
            "Origin not allowed",
            "This origin is not a partner of the service.",
            "/problems/origin-not-allowed",
            headers={"Vary": "Origin"},
        )
    else:
        response = _preflight_answer(origin)
    await response(scope, receive, send)


def _preflight_answer(origin: str) -> Response:
    return Response(
        status_code=204,
        headers={
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Allow-Methods": ALLOW_METHODS,
            "Access-Control-Allow-Headers": ALLOW_HEADERS,
            "Access-Control-Max-Age": MAX_AGE,
            "Vary": "Origin",
        },
    )
