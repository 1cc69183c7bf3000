"""Values worked out once per request (the client's address, the partner), kept in the ASGI
scope's "state": the dict `request.state` reads and writes, read here directly. Through
`request.state` a miss raised and caught an AttributeError and a hit ran Starlette's
`State.__getattr__` in Python (~9K instructions a read; a compose request asks for the
client's address twice and for the partner three times)."""

from collections.abc import Callable
from typing import Any, TypeVar, cast

from starlette.requests import HTTPConnection

T = TypeVar("T")


def once_per_request(request: HTTPConnection, key: str, make: Callable[[], T]) -> T:
    """`request.state.<key>`, made by `make` the first time it is asked for."""
    state: dict[str, Any] = request.scope.setdefault("state", {})
    if key in state:
        return cast(T, state[key])
    value = state[key] = make()
    return value
