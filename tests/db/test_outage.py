"""The database goes away and comes back (PostgreSQL behind a proxy we can cut): /readyz
says so, requests are 503 problem+json with Retry-After instead of 500s, nothing that was
accepted is lost, and service resumes by itself once the database is back."""

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from app.main import create_app
from app.services import Services
from app.settings import Settings
from tests.fakes.tcp_proxy import TcpProxy

LETTER: dict[str, Any] = {
    "campaign_id": "navalny-appeal", "language": "en", "consent": True,
    "sender": {"name": "Jane Doe", "email": "jane@example.org", "city": "Bern", "country": "CH"},
}


@pytest.fixture
def proxy() -> Iterator[TcpProxy]:
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
