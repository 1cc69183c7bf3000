"""The real app under test with chosen settings, and Redis prefixes that clean up after."""

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import redis.asyncio
from fastapi import FastAPI

from app.db.database import Database
from app.main import create_app
from app.partners import store
from app.partners.store import NewPartner
from app.services import Services
from app.settings import Settings

REDIS_URL = "redis://127.0.0.1:6379/0"
COMPOSE = {"campaign_id": "navalny-appeal", "sender": {"name": "Jane Doe", "city": "Basel"}}


@dataclass(frozen=True, slots=True)
class Apps:
    """Apps over the loaded services and the test's own database, with settings changed."""

    services: Services
    base: Settings

    def settings(self, **overrides: Any) -> Settings:
        # Validated again, so overrides are read like LETTERS_* values ("a, b" lists too).
        return Settings.model_validate(self.base.model_dump() | overrides)

    def build(self, **overrides: Any) -> FastAPI:
        return create_app(self.settings(**overrides), services=self.services)

    @asynccontextmanager
    async def serve(self, **overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
        """One app with these settings, its lifespan running, and a client from 203.0.113.7."""
        async with running(self.build(**overrides)) as app, client(app) as c:
            yield c


@asynccontextmanager
async def running(app: FastAPI) -> AsyncIterator[FastAPI]:
    async with app.router.lifespan_context(app):
        yield app


def client(app: FastAPI, ip: str = "203.0.113.7") -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(ip, 50000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


@asynccontextmanager
async def redis_prefix() -> AsyncIterator[str]:
    """A prefix no other test or helper uses; its keys (and only those) go afterwards."""
    prefix = f"test-partners-{uuid.uuid4().hex}"
    try:
        yield prefix
    finally:
        connection = redis.asyncio.Redis.from_url(REDIS_URL)
        try:
            keys = [k async for k in connection.scan_iter(match=f"{prefix}:*")]
            if keys:
                await connection.delete(*keys)
        finally:
            await connection.aclose()


async def add_partner(
    settings: Settings,
    name: str = "NGO",
    origins: tuple[str, ...] = ("https://ngo.example",),
    rate_limit: str | None = None,
) -> NewPartner:
    """A partner in the settings' database, added as `partners add` does."""
    database = Database.connect(settings.database_url)
    try:
        async with database.begin() as session:
            return await store.add(
                session,
                name=name,
                origins=origins,
                rate_limit=rate_limit,
                secret=settings.key_secret.get_secret_value().encode(),
                now=datetime.now(UTC),
            )
    finally:
        await database.dispose()


async def revoke_partner(settings: Settings, key_id: str) -> None:
    database = Database.connect(settings.database_url)
    try:
        async with database.begin() as session:
            await store.revoke(session, key_id, datetime.now(UTC))
    finally:
        await database.dispose()
