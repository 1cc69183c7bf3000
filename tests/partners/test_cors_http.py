"""CORS over HTTP: the allowed origins get their answers, a stranger's page does not."""

from collections.abc import AsyncIterator

import httpx
import pytest

from .apps import COMPOSE, Apps

NGO = "https://ngo.example"
STRANGER = "https://stranger.example"


@pytest.fixture
async def cors_client(apps: Apps) -> AsyncIterator[httpx.AsyncClient]:
    async with apps.serve(cors_origins=f"{NGO}, http://localhost:3000") as c:
        yield c


async def test_an_allowed_origin_is_answered_with_its_own_origin(
    cors_client: httpx.AsyncClient,
) -> None:
    answer = await cors_client.post("/v1/letters/compose", json=COMPOSE, headers={"Origin": NGO})
    assert answer.status_code == 200, answer.text
    assert answer.headers["access-control-allow-origin"] == NGO
    assert "origin" in answer.headers["vary"].lower()
    assert "retry-after" in answer.headers["access-control-expose-headers"].lower()
    assert "access-control-allow-credentials" not in answer.headers


async def test_a_stranger_gets_the_answer_but_no_allow_origin(
    cors_client: httpx.AsyncClient,
) -> None:
    for origin in (STRANGER, "null", "https://ngo.example.evil.example", "http://ngo.example"):
        answer = await cors_client.get("/v1/campaigns", headers={"Origin": origin})
        assert answer.status_code == 200
        assert "access-control-allow-origin" not in answer.headers, origin
        assert "origin" in answer.headers["vary"].lower()


async def test_without_an_origin_nothing_is_allowed_but_caches_are_told_it_varies(
    cors_client: httpx.AsyncClient,
) -> None:
    answer = await cors_client.get("/v1/campaigns")
    assert "access-control-allow-origin" not in answer.headers
    assert answer.headers["vary"] == "Origin"


async def test_a_preflight_from_an_allowed_origin_names_methods_and_headers(
    cors_client: httpx.AsyncClient,
) -> None:
    answer = await cors_client.options(
        "/v1/letters/compose",
        headers={
            "Origin": "http://localhost:3000",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, x-api-key",
        },
    )
    assert answer.status_code == 204
    assert answer.headers["access-control-allow-origin"] == "http://localhost:3000"
    assert "POST" in answer.headers["access-control-allow-methods"]
    allowed = answer.headers["access-control-allow-headers"].lower()
    assert {"content-type", "x-api-key", "idempotency-key"} <= {
        h.strip() for h in allowed.split(",")
    }
    assert int(answer.headers["access-control-max-age"]) > 0
    assert answer.headers["vary"] == "Origin"


async def test_a_preflight_from_a_stranger_is_refused_without_allow_origin(
    cors_client: httpx.AsyncClient,
) -> None:
    answer = await cors_client.options(
        "/v1/letters/compose",
        headers={"Origin": STRANGER, "Access-Control-Request-Method": "POST"},
    )
    assert answer.status_code == 403
    assert answer.headers["content-type"] == "application/problem+json"
    assert "access-control-allow-origin" not in answer.headers
    assert "access-control-allow-methods" not in answer.headers


async def test_a_problem_answer_to_an_allowed_origin_is_readable_by_its_page(
    cors_client: httpx.AsyncClient,
) -> None:
    answer = await cors_client.post(
        "/v1/letters/compose", json={"campaign_id": "navalny-appeal"}, headers={"Origin": NGO}
    )
    assert answer.status_code == 422
    assert answer.headers["access-control-allow-origin"] == NGO
