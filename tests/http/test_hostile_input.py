"""Hostile input over HTTP: each refused with the right problem+json status, never a 500."""

import json
from typing import Any

import httpx
import pytest

from app.letters.links import decode_mailto

PROBLEM = "application/problem+json"
COMPOSE = "/v1/letters/compose"


def letter(**overrides: Any) -> dict[str, Any]:
    sender = {"name": "Jane Doe", "city": "Basel", "country": "CH"} | overrides.pop("sender", {})
    return {"campaign_id": "navalny-appeal", "sender": sender} | overrides


def raw(text: str) -> bytes:
    """A JSON body written by hand, so it can be what json.dumps would never write."""
    return text.encode()


async def post_raw(
    client: httpx.AsyncClient, content: bytes, content_type: str | None = "application/json"
) -> httpx.Response:
    headers = {"content-type": content_type} if content_type else {}
    return await client.post(COMPOSE, content=content, headers=headers)


def problem(answer: httpx.Response, status: int) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == PROBLEM
    body: dict[str, Any] = answer.json()
    assert body["status"] == status
    return body


@pytest.mark.parametrize(
    ("where", "field"),
    [
        ({"sender": {"name": "Jane\r\nBcc: all@example.org"}}, "sender.name"),
        ({"sender": {"name": "Jane\nBcc: all@example.org"}}, "sender.name"),
        ({"sender": {"city": "Basel\r\nBcc: all@example.org"}}, "sender.city"),
        ({"sender": {"email": "jane@example.org\r\nBcc: all@example.org"}}, "sender.email"),
        ({"subject": "Appeal\r\nBcc: all@example.org"}, "subject"),
    ],
)
async def test_header_injection_is_a_422_naming_the_field(
    client: httpx.AsyncClient, where: dict[str, Any], field: str
) -> None:
    body = problem(await client.post(COMPOSE, json=letter(**where)), 422)
    assert [e["field"] for e in body["errors"]] == [field]
    assert "all@example.org" not in body["detail"]


async def test_template_syntax_in_what_people_type_comes_out_literally(
    client: httpx.AsyncClient,
) -> None:
    payload = "{{ 7*7 }} {% for x in range(3) %}x{% endfor %} {{ config }} ${7*7}"
    answer = await client.post(
        COMPOSE, json=letter(sender={"name": "{{ 7*7 }}"}, personal_note=payload)
    )
    assert answer.status_code == 200, answer.text
    text = answer.json()["body"]
    assert payload in text
    assert "\n{{ 7*7 }}\n" in text  # the signature, as typed
    assert "49" not in text
    assert "xxx" not in text


async def test_a_persons_own_subject_and_body_are_never_rendered(
    client: httpx.AsyncClient,
) -> None:
    answer = await client.post(
        COMPOSE, json=letter(subject="{{ 7*7 }}", body="{{ ''.__class__.__mro__ }} {{ 7*7 }}")
    )
    composed = answer.json()
    assert (composed["subject"], composed["body"]) == (
        "{{ 7*7 }}",
        "{{ ''.__class__.__mro__ }} {{ 7*7 }}",
    )
    _, subject, text, _ = decode_mailto(composed["links"]["mailto"])
    assert (subject, text) == (composed["subject"], composed["body"])


@pytest.mark.parametrize(
    ("where", "field"),
    [
        ({"sender": {"name": "x" * 201}}, "sender.name"),
        ({"sender": {"city": "x" * 201}}, "sender.city"),
        ({"personal_note": "x" * 4001}, "personal_note"),
        ({"subject": "x" * 201}, "subject"),
        ({"body": "x" * 8001}, "body"),
        ({"campaign_id": "x" * 101}, "campaign_id"),
        ({"embassy_id": "x" * 101}, "embassy_id"),
    ],
)
async def test_overlong_fields_are_422(
    client: httpx.AsyncClient, where: dict[str, Any], field: str
) -> None:
    body = problem(await client.post(COMPOSE, json=letter(**where)), 422)
    assert [e["field"] for e in body["errors"]] == [field]


async def test_control_characters_never_reach_the_letter(client: httpx.AsyncClient) -> None:
    answer = await client.post(COMPOSE, json=letter(sender={"name": "Ja\x00ne \u202eDoe\x1b[31m"}))
    assert answer.status_code == 200, answer.text
    composed = answer.json()
    for char in ("\x00", "\u202e", "\x1b"):
        assert char not in composed["body"]
        assert char not in composed["links"]["mailto"]


async def test_a_lone_surrogate_is_a_422(client: httpx.AsyncClient) -> None:
    content = raw('{"campaign_id": "navalny-appeal", "sender": {"name": "\\ud800 Jane"}}')
    body = problem(await post_raw(client, content), 422)
    assert [e["field"] for e in body["errors"]] == ["sender.name"]


async def test_invalid_utf8_is_a_400(client: httpx.AsyncClient) -> None:
    content = b'{"campaign_id": "navalny-appeal", "sender": {"name": "Jane \xff\xfe"}}'
    assert problem(await post_raw(client, content), 400)["type"] == "/problems/malformed-body"


async def test_json_that_is_not_json_is_a_422(client: httpx.AsyncClient) -> None:
    problem(await post_raw(client, raw('{"campaign_id": "navalny-appeal", "sender": ')), 422)


@pytest.mark.parametrize("depth", [1_000, 20_000])
async def test_deep_nesting_is_refused_not_a_crash(client: httpx.AsyncClient, depth: int) -> None:
    content = raw('{"campaign_id": "navalny-appeal", "sender": ' + "[" * depth + "]" * depth + "}")
    answer = await post_raw(client, content)
    assert answer.status_code in (400, 422), answer.text
    problem(answer, answer.status_code)


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999"])
async def test_nan_and_infinite_coordinates_are_422(client: httpx.AsyncClient, number: str) -> None:
    content = raw(
        '{"campaign_id": "navalny-appeal", "sender": {"name": "Jane"},'
        f' "location": {{"lat": {number}, "lon": 7.5}}}}'
    )
    body = problem(await post_raw(client, content), 422)
    assert [e["field"] for e in body["errors"]] == ["location.lat"]


async def test_a_number_of_thousands_of_digits_is_a_400(client: httpx.AsyncClient) -> None:
    content = raw('{"campaign_id": "navalny-appeal", "sender": {"name": "J"}, "variant": ')
    problem(await post_raw(client, content + b"9" * 5000 + b"}"), 400)


async def test_a_big_but_parseable_number_is_a_422(client: httpx.AsyncClient) -> None:
    content = raw('{"campaign_id": "navalny-appeal", "sender": {"name": "J"}, "variant": -1')
    problem(await post_raw(client, content + b"0" * 300 + b"}"), 422)


@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data", "text/json"],
)
async def test_a_body_that_is_not_declared_json_is_a_415(
    client: httpx.AsyncClient, content_type: str | None
) -> None:
    content = json.dumps(letter()).encode()
    body = problem(await post_raw(client, content, content_type), 415)
    assert body["type"] == "/problems/unsupported-media-type"


async def test_json_with_a_charset_or_a_json_suffix_is_accepted(client: httpx.AsyncClient) -> None:
    content = json.dumps(letter()).encode()
    for content_type in ("application/json; charset=utf-8", "application/merge-patch+json"):
        assert (await post_raw(client, content, content_type)).status_code == 200


async def test_an_empty_body_is_a_422_not_a_415(client: httpx.AsyncClient) -> None:
    body = problem(await post_raw(client, b"", None), 422)
    assert body["errors"] == [{"field": "body", "message": "Field required"}]


async def test_an_oversized_body_is_a_413(client: httpx.AsyncClient) -> None:
    problem(await client.post(COMPOSE, json=letter(personal_note="x" * 100_000)), 413)


async def test_a_json_array_where_an_object_belongs_is_a_422(client: httpx.AsyncClient) -> None:
    problem(await post_raw(client, raw("[1, 2, 3]")), 422)


async def test_hostile_query_strings_are_422(client: httpx.AsyncClient) -> None:
    for params in (
        {"lat": "NaN", "lon": "1"},
        {"lat": "1e999", "lon": "1"},
        {"q": "x" * 201},
        {"country": "DEU"},
        {"limit": "99999999999999999999999"},
    ):
        problem(await client.get("/v1/embassies/nearest", params=params), 422)
