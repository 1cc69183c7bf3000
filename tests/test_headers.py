"""header() answers as Starlette's request.headers.get does."""

import pytest
from starlette.requests import Request

from app.headers import header

RAW = [(b"host", b"example.org"), (b"content-type", b"application/json"),
       (b"x-forwarded-for", b"1.2.3.4"), (b"x-forwarded-for", b"5.6.7.8"),
       (b"accept-language", "de-CH,de;q=0.9 \xe9".encode("latin-1"))]


@pytest.mark.parametrize("name", ["content-type", "Content-Type", "x-forwarded-for",
                                  "accept-language", "x-api-key", "host", ""])
def test_as_starlette_reads_it(name: str) -> None:
    request = Request({"type": "http", "headers": RAW})
    assert header(request, name) == request.headers.get(name)
