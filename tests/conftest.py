"""Shared fixtures: the loaded services once per run, an HTTP client over the real app."""

from collections.abc import AsyncIterator

import httpx
import pytest

from app.main import create_app
from app.services import Services
from app.settings import Settings


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings()


@pytest.fixture(scope="session")
def services(settings: Settings) -> Services:
    return Services.load(settings)


@pytest.fixture
async def client(services: Services) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(services=services)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c
