"""The answer sequence every provider fake shares: auth, forced failures, shape, success."""

import json
from typing import Any, ClassVar, Self

from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.http_server import Behaviour, LoopbackHttpServer, Received


class FakeProvider:
    """The common answer sequence: auth, forced failures, request shape, success."""

    path: ClassVar[str]

    def __init__(self, delay: float = 0.0) -> None:
        self.accepted: list[Received] = []
        self.server = LoopbackHttpServer(self.route(), self._answer, Behaviour(delay=delay),
                                         more=self.more_routes())

    def route(self) -> str:
        return self.path

    def more_routes(self) -> list[Route]:
        """Endpoints beside the sending one (none unless a provider has them)."""
        return []

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def behaviour(self) -> Behaviour:
        return self.server.behaviour

    @property
    def received(self) -> list[Received]:
        return self.server.received

    def __enter__(self) -> Self:
        self.server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.stop()

    async def _answer(self, request: Received) -> Response:
        denied = self.check_auth(request)
        if denied is not None:
            return denied
        answer = self.behaviour.answer
        if answer == "rate_limited":
            response = self.rate_limited()
            if self.behaviour.retry_after is not None:
                response.headers["Retry-After"] = self.behaviour.retry_after
            return response
        if answer == "server_error":
            return self.server_error()
        problem = self.check_shape(request)
        if problem is not None:
            return self.invalid(problem)
        if answer == "rejected":
            return self.rejected()
        self.accepted.append(request)
        return self.success(request)

    # Each provider fills these in.
    def check_auth(self, request: Received) -> Response | None:
        raise NotImplementedError

    def check_shape(self, request: Received) -> str | None:
        raise NotImplementedError

    def success(self, request: Received) -> Response:
        raise NotImplementedError

    def invalid(self, problem: str) -> Response:
        raise NotImplementedError

    def rejected(self) -> Response:
        raise NotImplementedError

    def rate_limited(self) -> Response:
        raise NotImplementedError

    def server_error(self) -> Response:
        return JSONResponse({"message": "Internal Server Error"}, status_code=500)


def json_object(request: Received) -> dict[str, Any] | None:
    if not request.headers.get("content-type", "").startswith("application/json"):
        return None
    try:
        body = json.loads(request.body)
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def missing(body: dict[str, Any], *names: str) -> str | None:
    absent = [n for n in names if not body.get(n)]
    return f"missing {', '.join(absent)}" if absent else None
