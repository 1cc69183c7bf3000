"""Fixtures: one pooled HTTP client per test, as the app's lifespan would make it."""

from collections.abc import AsyncIterator

import httpx
import pytest

from app.delivery.providers.pool import pooled_client


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with pooled_client(connections=16, timeout=10.0) as client:
        yield client
