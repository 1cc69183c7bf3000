"""Refuse request bodies over a limit with 413 problem+json, before anything parses them.

By `Content-Length` when the client declares one (nothing is read), and by counting the
chunks as they arrive when it streams (the count stops the read at the limit). Pure ASGI, so
it guards every route, including any that reads the body itself.
"""

from collections.abc import Sequence

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.problems import problem_response


class BodyTooLarge(HTTPException):
    """Raised from `receive`: FastAPI lets an HTTPException through its body parsing."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body is larger than {limit} bytes.")


def _declared_length(scope: Scope) -> int | None:
    value = Headers(scope=scope).get("content-length")
    return int(value) if value is not None and value.isdigit() else None


class BodyLimit:
    def __init__(self, app: ASGIApp, limit: int, overrides: Sequence[tuple[str, int]] = ()) -> None:
        self.app = app
        self.limit = limit
        # (path prefix, limit): provider webhooks post batches larger than any letter.
        self.overrides = tuple(overrides)

    def limit_for(self, path: str) -> int:
        return next((n for prefix, n in self.overrides if path.startswith(prefix)), self.limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = _declared_length(scope)
        if declared is not None and declared > limit:
            await self._refuse(scope, receive, send, limit)
            return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(scope, receive, send, limit)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        error = BodyTooLarge(limit)
        response = problem_response(
            413, "Content too large", str(error.detail), "/problems/too-large"
        )
        await response(scope, receive, send)
