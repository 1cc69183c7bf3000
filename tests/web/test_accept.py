"""Whether a client asks for JSON rather than the embed page, from its Accept header."""

import pytest

from app.web.accept import wants_json

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"


@pytest.mark.parametrize(("accept", "expected"), [
    (None, False),  # nothing said: a page
    ("", False),
    ("*/*", False),  # fetch's default: nothing in particular
    (BROWSER, False),
    ("application/json", True),
    ("application/problem+json", True),
    ("application/json, text/plain, */*", True),  # a typical HTTP client library
    ("text/html;q=0.5, application/json", True),
    ("text/html, application/json;q=0.9", False),
    ("application/json;q=0", False),  # JSON refused outright
    ("application/json;q=oops", False),
    ("application/vnd.api+json", True),
])
def test_json_only_when_named_at_least_as_high_as_html(accept: str | None, expected: bool) -> None:
    assert wants_json(accept) is expected
