"""Bodies over the limit get 413 problem+json before anything parses them."""

from collections.abc import AsyncIterator
from typing import Any

import httpx
from starlette.types import Message, Receive, Scope, Send

from app.main import create_app
from app.middleware.body_limit import BodyLimit
from app.services import Services
from app.settings import Settings

PROBLEM = "application/problem+json"


class Echo:
    """An ASGI app that reads the whole body and says how many bytes it got."""

    def __init__(self) -> None:
        self.reads = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        size, more = 0, True
        while more:
            message: Message = await receive()
            self.reads += 1
            size += len(message.get("body", b""))
            more = message.get("more_body", False)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": str(size).encode()})


def client_for(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


async def chunks(count: int, size: int) -> AsyncIterator[bytes]:
    for _ in range(count):
        yield b"x" * size


async def test_a_declared_length_over_the_limit_is_refused_unread() -> None:
    echo = Echo()
    async with client_for(BodyLimit(echo, limit=1000)) as c:
        answer = await c.post("/anything", content=b"x" * 1001)
    assert answer.status_code == 413
    assert answer.headers["content-type"] == PROBLEM
    problem = answer.json()
    assert (problem["status"], problem["type"]) == (413, "/problems/too-large")
    assert "1000 bytes" in problem["detail"]
    assert echo.reads == 0


async def test_a_streamed_body_is_cut_off_where_it_passes_the_limit() -> None:
    echo = Echo()
    async with client_for(BodyLimit(echo, limit=1000)) as c:
        answer = await c.post("/anything", content=chunks(50, 100))
    assert answer.status_code == 413
    assert answer.json()["status"] == 413
    # The eleventh chunk would pass 1000 bytes: that read fails and the rest is never read.
    assert echo.reads == 10


async def test_bodies_up_to_the_limit_pass_whole() -> None:
    async with client_for(BodyLimit(Echo(), limit=1000)) as c:
        assert (await c.post("/a", content=b"x" * 1000)).text == "1000"
        assert (await c.post("/a", content=chunks(10, 100))).text == "1000"


async def test_webhooks_have_their_own_larger_limit() -> None:
    limited = BodyLimit(Echo(), limit=1000, overrides=[("/v1/webhooks/", 5000)])
    async with client_for(limited) as c:
        assert (await c.post("/v1/webhooks/sendgrid", content=b"x" * 4000)).status_code == 200
        assert (await c.post("/v1/webhooks/sendgrid", content=b"x" * 5001)).status_code == 413
        assert (await c.post("/v1/letters/compose", content=b"x" * 4000)).status_code == 413


async def test_the_app_refuses_an_oversized_compose_body(client: httpx.AsyncClient) -> None:
    note = "x" * 70_000
    body = {"campaign_id": "navalny-appeal", "sender": {"name": "J"}, "personal_note": note}
    answer = await client.post("/v1/letters/compose", json=body)
    assert answer.status_code == 413
    assert answer.headers["content-type"] == PROBLEM
    assert answer.json()["title"] == "Content too large"


async def test_the_app_refuses_an_oversized_streamed_body(client: httpx.AsyncClient) -> None:
    answer = await client.post(
        "/v1/letters/compose",
        content=chunks(100, 1000),
        headers={"content-type": "application/json"},
    )
    assert answer.status_code == 413
    assert answer.json()["type"] == "/problems/too-large"


async def test_the_limit_is_a_setting(services: Services, app_settings: Settings) -> None:
    settings = app_settings.model_copy(update={"max_body_bytes": 2048})
    app = create_app(settings, services)
    body = {"campaign_id": "navalny-appeal", "sender": {"name": "J"}, "personal_note": "x" * 3000}
    async with app.router.lifespan_context(app), client_for(app) as c:
        assert (await c.post("/v1/letters/compose", json=body)).status_code == 413


async def test_a_partner_page_can_read_the_413(services: Services, app_settings: Settings) -> None:
    origin = "https://ngo.example"
    settings = app_settings.model_copy(update={"cors_origins": (origin,)})
    app = create_app(settings, services)
    body = {"campaign_id": "navalny-appeal", "sender": {"name": "J"}, "personal_note": "x" * 70_000}
    async with app.router.lifespan_context(app), client_for(app) as c:
        answer = await c.post("/v1/letters/compose", json=body, headers={"Origin": origin})
    assert answer.status_code == 413
    assert answer.headers["access-control-allow-origin"] == origin
    assert "x-request-id" in answer.headers
