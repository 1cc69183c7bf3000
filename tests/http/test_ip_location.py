"""With a trusted proxy in front, the forwarded client address locates the person."""

from collections.abc import AsyncIterator
from dataclasses import replace

import httpx
import pytest

from app.main import create_app
from app.services import Services
from app.settings import Settings


@pytest.fixture
async def behind_proxy(services: Services) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(trusted_proxies="203.0.113.0/24")  # type: ignore[arg-type]
    app = create_app(services=replace(services, settings=settings))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c


async def test_a_forwarded_german_address_finds_berlin(behind_proxy: httpx.AsyncClient) -> None:
    answer = await behind_proxy.get(
        "/v1/embassies/nearest", headers={"X-Forwarded-For": "81.169.145.105"}
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["location"]["source"] == "ip"
    assert body["location"]["precision"] == "country"
    assert body["results"][0]["embassy"]["id"] == "de-berlin-embassy"
