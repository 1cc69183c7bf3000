"""A body read by the route itself (app.json_body) answers exactly as a FastAPI-declared one.

Two routes over the same model, problem handlers and body limit: one declares
`body: ComposeRequest` and lets FastAPI read it, the other reads it with app.json_body. Every
raw body and content type below must get the same status, headers and bytes from both.
"""

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request
from hypothesis import example, given, settings
from hypothesis import strategies as st

from app import json_body, problems
from app.letters.schemas import ComposeRequest
from app.middleware.body_limit import BodyLimit

LIMIT = 4096
GOOD = {"campaign_id": "navalny-appeal", "language": "en",
        "sender": {"name": "Jane Doe", "city": "Basel", "country": "CH"}}


def _app() -> FastAPI:
    app = FastAPI()
    problems.install(app)
    app.add_middleware(BodyLimit, limit=LIMIT)

    @app.post("/declared")
    async def declared(body: ComposeRequest) -> dict[str, Any]:
        return body.model_dump(mode="json")

    @app.post("/read", openapi_extra=json_body.documented(ComposeRequest))
    async def read(request: Request) -> dict[str, Any]:
        received = await json_body.read_json(request)
        return json_body.validated(ComposeRequest, received).model_dump(mode="json")

    return app


@pytest.fixture(scope="module")
def app() -> FastAPI:
    return _app()


def _json(value: Any) -> bytes:
    return json.dumps(value).encode()


BODIES: list[tuple[str, bytes]] = [
    ("good", _json(GOOD)),
    ("good with every field", _json(GOOD | {
        "location": {"lat": 48.1, "lon": 11.5}, "embassy_id": "de-berlin-embassy",
        "personal_note": "A note.\n\nTwo paragraphs.", "variant": 3, "subject": "S",
        "body": "B", "signature": "initials", "bilingual": True})),
    ("an empty object", b"{}"),
    ("an array", b"[]"),
    ("a string", b'"text"'),
    ("a number", b"12"),
    ("null", b"null"),
    ("true", b"true"),
    ("empty", b""),
    ("whitespace", b"  \n"),
    ("cut off", b'{"campaign_id": '),
    ("not JSON", b"campaign_id=navalny"),
    ("a trailing comma", b'{"campaign_id": "x",}'),
    ("two documents", b"{} {}"),
    ("not UTF-8", b'{"campaign_id": "\xff\xfe"}'),
    ("UTF-16", json.dumps(GOOD).encode("utf-16")),
    ("a lone surrogate", b'{"campaign_id": "\\ud800", "sender": {"name": "x"}}'),
    ("NaN", _json(GOOD)[:-1] + b', "location": {"lat": NaN, "lon": Infinity}}'),
    ("thousands of digits", _json(GOOD)[:-1] + b', "variant": ' + b"9" * 5000 + b"}"),
    ("a big number", _json(GOOD | {"variant": 10**30})),
    ("a negative variant", _json(GOOD | {"variant": -1})),
    ("a float variant", _json(GOOD | {"variant": 2.5})),
    ("deep nesting", b"[" * 100_000 + b"]" * 100_000),
    ("extra fields", _json(GOOD | {"admin": True, "sender": GOOD["sender"] | {"x": 1}})),
    ("wrong types", _json({"campaign_id": 5, "sender": {"name": ["a"], "country": "DEU"},
                           "location": {"lat": "north", "lon": 200}, "bilingual": "maybe"})),
    ("no sender", _json({"campaign_id": "navalny-appeal"})),
    ("sender not an object", _json({"campaign_id": "navalny-appeal", "sender": "Jane"})),
    ("a duplicate key", b'{"campaign_id": "a", "campaign_id": "navalny-appeal", '
                        b'"sender": {"name": "x"}}'),
    ("too large", _json(GOOD | {"personal_note": "x" * LIMIT})),
]

CONTENT_TYPES: list[str | None] = [
    "application/json", None, "text/plain", "application/json; charset=utf-8",
    " APPLICATION/JSON ", "application/vnd.api+json", "application/merge-patch+json",
    "application/json/x+json", "application/x/+json", "application/jsonx", "text/json",
    "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/",
    "json", ";application/json", "application/json;;", "application/JSON; q=1",
]


async def _answers(app: FastAPI, content: bytes | AsyncIterator[bytes],
                   headers: dict[str, str]) -> list[tuple[int, list[tuple[str, str]], bytes]]:
    answers = []
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://t") as client:
        for path in ("/declared", "/read"):
            sent = content if isinstance(content, bytes) else _chunks(LIMIT + 1)
            answer = await client.post(path, content=sent, headers=headers)
            answers.append((answer.status_code, list(answer.headers.items()), answer.content))
    return answers


async def _chunks(size: int) -> AsyncIterator[bytes]:
    for _ in range(size // 512 + 1):
        yield b"x" * 512


@pytest.mark.parametrize(("name", "content"), BODIES, ids=[name for name, _ in BODIES])
async def test_every_body_gets_the_answer_fastapi_gives(
    app: FastAPI, name: str, content: bytes
) -> None:
    declared, read = await _answers(app, content, {"content-type": "application/json"})
    assert read == declared


@pytest.mark.parametrize("content_type", CONTENT_TYPES)
@pytest.mark.parametrize("content", [_json(GOOD), b"[]", b"{"], ids=["good", "array", "cut"])
async def test_every_content_type_gets_the_answer_fastapi_gives(
    app: FastAPI, content_type: str | None, content: bytes
) -> None:
    headers = {"content-type": content_type} if content_type is not None else {}
    declared, read = await _answers(app, content, headers)
    assert read == declared


async def test_a_streamed_body_over_the_limit_gets_the_same_413(app: FastAPI) -> None:
    declared, read = await _answers(app, _chunks(LIMIT + 1),
                                    {"content-type": "application/json"})
    assert declared[0] == 413
    assert read == declared


async def test_the_table_holds_every_kind_of_answer(app: FastAPI) -> None:
    """Not vacuous: the bodies and content types above meet success and each refusal."""
    seen = set()
    for _, content in BODIES:
        seen.add((await _answers(app, content, {"content-type": "application/json"}))[1][0])
    seen.add((await _answers(app, _json(GOOD), {"content-type": "text/plain"}))[1][0])
    assert seen == {200, 400, 413, 415, 422}


def test_documented_declares_the_body_fastapi_would(app: FastAPI) -> None:
    paths = app.openapi()["paths"]
    assert paths["/read"]["post"]["requestBody"] == paths["/declared"]["post"]["requestBody"]


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [("application/json", True), ("Application/Problem+JSON; charset=utf-8", True),
     (None, False), ("", False), ("application/json/x+json", False), ("text/json", False)],
)
def test_is_json(content_type: str | None, expected: bool) -> None:
    assert json_body.is_json(content_type) is expected


def _outcome(parse: Any, raw: bytes) -> tuple[str, Any]:
    try:
        return "value", parse(raw)
    except Exception as exc:  # the error itself is the answer: its type and what it says
        return type(exc).__name__, (str(exc), getattr(exc, "pos", None))


# Bytes around the shortcut's edges: objects with and without what json.loads tolerates or
# refuses (whitespace, a BOM, UTF-16, NaN, surrogates, control characters, trailing data).
_PIECES = [b"{", b"}", b'"a"', b":", b",", b"1", b"1e999", b"NaN", b" ", b"\n", b"\x00",
           b"\xef\xbb\xbf", b'"\\ud800"', b'"\xed\xa0\x80"', b'"\t"', b"[", b"]", b"\xff",
           b"null", b'"\xc3\xa9"', b"9" * 5000]


@settings(max_examples=500)
@example(b"{}{}")
@example(b'{"a": 1} }')
@example(b"{\x00}")
@example(b'{"a": "\xed\xa0\x80"}')
@given(st.lists(st.sampled_from(_PIECES), max_size=12).map(b"".join)
       | st.builds(lambda v: json.dumps(v).encode("utf-16" if v is None else "utf-8"),
                   st.recursive(st.none() | st.text() | st.integers() | st.floats(),
                                lambda inner: st.dictionaries(st.text(), inner), max_leaves=8)))
def test_loads_is_json_loads(raw: bytes) -> None:
    assert _outcome(json_body.loads, raw) == _outcome(json.loads, raw)
