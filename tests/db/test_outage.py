"""The database goes away and comes back (PostgreSQL behind a proxy we can cut): /readyz
says so, requests are 503 problem+json with Retry-After instead of 500s, nothing that was
accepted is lost, and service resumes by itself once the database is back."""

import asyncio
from collections.abc import AsyncIterator, Iterator
from email import message_from_bytes
from typing import Any

import httpx
import pytest

from app.main import create_app
from app.services import Services
from app.settings import Settings
from tests.databases import emptied
from tests.fakes.smtp_relay import RelayHandler, running_relay
from tests.fakes.tcp_proxy import TcpProxy

LETTER: dict[str, Any] = {
    "campaign_id": "navalny-appeal", "language": "en", "consent": True,
    "sender": {"name": "Jane Doe", "email": "jane@example.org", "city": "Bern", "country": "CH"},
}


@pytest.fixture
def proxy(postgres_database: str) -> Iterator[TcpProxy]:
    """PostgreSQL (this session's database, emptied) behind a proxy that can be cut."""
    asyncio.run(emptied(postgres_database))
    with TcpProxy("127.0.0.1", 5432) as proxy:
        yield proxy


@pytest.fixture
async def client(services: Services, app_settings: Settings, postgres_database: str,
                 proxy: TcpProxy) -> AsyncIterator[httpx.AsyncClient]:
    url = postgres_database.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
    app = create_app(app_settings.model_copy(update={"database_url": url}), services=services)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("203.0.113.9", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c


def _is_unavailable(answer: httpx.Response) -> bool:
    return (answer.status_code == 503
            and answer.headers["content-type"] == "application/problem+json"
            and int(answer.headers["retry-after"]) > 0
            and answer.json()["status"] == 503)


async def test_readiness_follows_the_database(client: httpx.AsyncClient, proxy: TcpProxy) -> None:
    assert (await client.get("/readyz")).status_code == 200
    proxy.cut()
    assert (await client.get("/readyz")).status_code == 503
    assert (await client.get("/healthz")).status_code == 200  # the process itself is fine
    proxy.restore()
    assert (await client.get("/readyz")).status_code == 200


async def test_requests_are_503_while_it_is_away_and_nothing_is_lost(
    client: httpx.AsyncClient, proxy: TcpProxy
) -> None:
    before = await client.post("/v1/letters", json=LETTER, headers={"Idempotency-Key": "a"})
    assert before.status_code == 202, before.text
    status_url = before.json()["status_url"]
    proxy.cut()
    during = await client.post("/v1/letters", json=LETTER, headers={"Idempotency-Key": "b"})
    assert _is_unavailable(during), during.text
    assert _is_unavailable(await client.get(status_url))
    # Composing needs no database: it goes on.
    compose = {k: v for k, v in LETTER.items() if k != "consent"}
    assert (await client.post("/v1/letters/compose", json=compose)).status_code == 200
    proxy.restore()
    kept = await client.get(status_url)
    assert kept.status_code == 200 and kept.json()["status"] == "awaiting_confirmation"
    again = await client.post("/v1/letters", json=LETTER, headers={"Idempotency-Key": "b"})
    assert again.status_code == 202, again.text


@pytest.mark.parametrize("cut_at", ["before", "after"])  # queued while away / away mid-run
async def test_the_worker_resumes_by_itself_and_loses_nothing(
    services: Services, app_settings: Settings, postgres_database: str, proxy: TcpProxy,
    cut_at: str,
) -> None:
    handler = SlowRelay()
    url = postgres_database.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
    with running_relay(handler) as port:
        settings = app_settings.model_copy(update={
            "database_url": url, "email_provider": "smtp", "smtp_host": "127.0.0.1",
            "smtp_port": port, "require_confirmation": False, "worker_in_process": True,
            "worker_poll_seconds": 0.05, "worker_lease_seconds": 5.0})
        app = create_app(settings, services=services)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app, client=("203.0.113.9", 50000))
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                if cut_at == "before":
                    proxy.cut()
                    await asyncio.sleep(0.3)  # the worker polls a database that is away
                    proxy.restore()
                for n in range(LETTERS):
                    sent = await client.post("/v1/letters", json=_letter(n))
                    assert sent.status_code == 202, sent.text
                if cut_at == "after":
                    await asyncio.sleep(0.1)  # sends are in flight at the slow relay
                    proxy.cut()
                    await asyncio.sleep(0.5)
                    proxy.restore()
                await handler.arrived(LETTERS)
    ids = [message_from_bytes(m.content)["Message-ID"] for m in handler.messages]
    assert len(ids) == len(set(ids)) == LETTERS


LETTERS = 12


class SlowRelay(RelayHandler):
    """Accepts after a moment, so the database can go away while the relay has the letter
    and before the worker has recorded it: the moment a careless worker sends twice."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(0.3)
        return await super().handle_DATA(server, session, envelope)


def _letter(n: int) -> dict[str, Any]:
    return {k: v for k, v in LETTER.items()} | {
        "sender": LETTER["sender"] | {"name": f"Person {n}"}}
