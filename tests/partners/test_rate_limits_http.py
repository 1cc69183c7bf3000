"""Rate limits over HTTP: per client IP, in memory or in Redis, 429 with Retry-After."""

import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest

from .apps import COMPOSE, REDIS_URL, Apps, add_partner, client, redis_prefix, running

PDF = "/v1/letters/pdf"
COMPOSE_PATH = "/v1/letters/compose"


@pytest.fixture(params=["memory", "redis"])
async def storage(request: pytest.FixtureRequest) -> AsyncIterator[dict[str, Any]]:
    """Settings for one storage: the process's memory, or Redis under a fresh prefix."""
    if request.param == "memory":
        yield {}
        return
    async with redis_prefix() as prefix:
        yield {"redis_url": REDIS_URL, "redis_prefix": prefix}


async def test_over_the_limit_is_429_problem_with_retry_after(
    apps: Apps, storage: dict[str, Any]
) -> None:
    async with apps.serve(rate_limit_compose="2/minute", **storage) as c:
        answers = [await c.post(COMPOSE_PATH, json=COMPOSE) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    over = answers[2]
    assert over.headers["content-type"] == "application/problem+json"
    problem = over.json()
    assert problem["status"] == 429
    assert problem["type"] == "/problems/rate-limited"
    assert 1 <= int(over.headers["retry-after"]) <= 60
    assert over.headers["ratelimit-limit"] == "2"
    assert over.headers["ratelimit-remaining"] == "0"


async def test_compose_and_pdf_share_the_compose_limit(
    apps: Apps, storage: dict[str, Any]
) -> None:
    async with apps.serve(rate_limit_compose="2/hour", **storage) as c:
        first = await c.post(PDF, json=COMPOSE)
        second = await c.post(COMPOSE_PATH, json=COMPOSE)
        third = await c.post(PDF, json=COMPOSE)
    assert (first.status_code, second.status_code, third.status_code) == (200, 200, 429)
    assert 3000 < int(third.headers["retry-after"]) <= 3600


async def test_each_client_address_has_its_own_allowance(
    apps: Apps, storage: dict[str, Any]
) -> None:
    app = apps.build(rate_limit_compose="1/minute", **storage)
    async with running(app), client(app, "198.51.100.1") as a, client(app, "198.51.100.2") as b:
        assert (await a.post(COMPOSE_PATH, json=COMPOSE)).status_code == 200
        assert (await a.post(COMPOSE_PATH, json=COMPOSE)).status_code == 429
        assert (await b.post(COMPOSE_PATH, json=COMPOSE)).status_code == 200


async def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(
    apps: Apps,
) -> None:
    async with apps.serve(
        rate_limit_compose="1/minute", trusted_proxies="203.0.113.0/24"
    ) as c:
        one = {"X-Forwarded-For": "198.51.100.1"}
        two = {"X-Forwarded-For": "198.51.100.2"}
        assert (await c.post(COMPOSE_PATH, json=COMPOSE, headers=one)).status_code == 200
        assert (await c.post(COMPOSE_PATH, json=COMPOSE, headers=one)).status_code == 429
        assert (await c.post(COMPOSE_PATH, json=COMPOSE, headers=two)).status_code == 200


async def test_other_routes_are_not_counted(apps: Apps) -> None:
    async with apps.serve(rate_limit_compose="1/minute") as c:
        for _ in range(3):
            assert (await c.get("/v1/campaigns")).status_code == 200
        assert (await c.post(COMPOSE_PATH, json=COMPOSE)).status_code == 200


async def test_two_app_instances_sharing_redis_share_the_limit(apps: Apps) -> None:
    async with redis_prefix() as prefix:
        settings = {"redis_url": REDIS_URL, "redis_prefix": prefix, "rate_limit_compose": "2/hour"}
        one, two = apps.build(**settings), apps.build(**settings)
        async with running(one), running(two), client(one) as a, client(two) as b:
            assert (await a.post(COMPOSE_PATH, json=COMPOSE)).status_code == 200
            assert (await b.post(COMPOSE_PATH, json=COMPOSE)).status_code == 200
            assert (await a.post(COMPOSE_PATH, json=COMPOSE)).status_code == 429
            assert (await b.post(COMPOSE_PATH, json=COMPOSE)).status_code == 429


async def test_in_memory_each_instance_counts_alone(apps: Apps) -> None:
    one, two = (apps.build(rate_limit_compose="1/hour") for _ in range(2))
    async with running(one), running(two), client(one) as a, client(two) as b:
        assert (await a.post(COMPOSE_PATH, json=COMPOSE)).status_code == 200
        assert (await b.post(COMPOSE_PATH, json=COMPOSE)).status_code == 200


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


async def test_an_unreachable_redis_lets_letters_through(apps: Apps) -> None:
    url = f"redis://127.0.0.1:{_closed_port()}/0"
    async with apps.serve(redis_url=url, rate_limit_compose="1/hour") as c:
        answers = [await c.post(COMPOSE_PATH, json=COMPOSE) for _ in range(2)]
    assert [a.status_code for a in answers] == [200, 200]


async def test_openapi_declares_the_429_and_its_retry_after(apps: Apps) -> None:
    async with apps.serve() as c:
        paths = (await c.get("/openapi.json")).json()["paths"]
    for path in (COMPOSE_PATH, PDF):
        too_many = paths[path]["post"]["responses"]["429"]
        assert "Retry-After" in too_many["headers"]
    assert "429" not in paths["/v1/campaigns"]["get"]["responses"]


def test_a_limit_that_does_not_parse_stops_the_start() -> None:
    from pydantic import ValidationError

    from app.settings import Settings

    with pytest.raises(ValidationError, match="COUNT/PERIOD"):
        Settings(rate_limit_send="often")


@pytest.fixture
def keyed(apps: Apps, database_url: str) -> Apps:
    return Apps(apps.services, apps.settings(database_url=database_url))


async def test_a_partner_key_is_counted_per_key_under_its_own_limit(
    keyed: Apps, storage: dict[str, Any]
) -> None:
    own = await add_partner(keyed.base, rate_limit="3/minute")
    other = await add_partner(keyed.base, "Other")
    settings = {"rate_limit_compose": "1/minute", "rate_limit_partner": "2/minute", **storage}
    async with keyed.serve(**settings) as c:

        async def post(key: str | None = None) -> int:
            headers = {"X-API-Key": key} if key else {}
            return (await c.post(COMPOSE_PATH, json=COMPOSE, headers=headers)).status_code

        assert [await post(own.key) for _ in range(4)] == [200, 200, 200, 429]
        # The same address without a key has its own (lower) allowance ...
        assert [await post(), await post()] == [200, 429]
        # ... and a partner without a limit of its own gets LETTERS_RATE_LIMIT_PARTNER.
        assert [await post(other.key) for _ in range(3)] == [200, 200, 429]


async def test_the_embed_pages_form_shares_the_compose_allowance(apps: Apps) -> None:
    form = {"name": "Jane Doe", "place": "Basel", "lang": "en"}
    async with apps.serve(rate_limit_compose="2/minute") as c:
        page = await c.post("/embed/navalny-appeal", data=form)
        pdf = await c.post("/embed/navalny-appeal/pdf", data=form)
        api = await c.post(COMPOSE_PATH, json=COMPOSE)
    assert (page.status_code, pdf.status_code, api.status_code) == (200, 200, 429)


SEND = COMPOSE | {
    "sender": {"name": "Jane Doe", "email": "jane@example.org", "city": "Basel"},
    "consent": True,
}


async def test_sending_has_its_own_lower_allowance_per_address(
    apps: Apps, storage: dict[str, Any]
) -> None:
    settings = {"rate_limit_send": "2/hour", "rate_limit_compose": "10/minute", **storage}
    async with apps.serve(**settings) as c:
        sends = [(await c.post("/v1/letters", json=SEND)).status_code for _ in range(3)]
        composed = await c.post(COMPOSE_PATH, json=COMPOSE)
        over = await c.post("/v1/letters", json=SEND)
    assert sends == [202, 202, 429]
    assert composed.status_code == 200
    assert over.json()["type"] == "/problems/rate-limited"
    assert 3000 < int(over.headers["retry-after"]) <= 3600


async def test_openapi_declares_the_429_of_sending(apps: Apps) -> None:
    async with apps.serve() as c:
        paths = (await c.get("/openapi.json")).json()["paths"]
    assert "Retry-After" in paths["/v1/letters"]["post"]["responses"]["429"]["headers"]
