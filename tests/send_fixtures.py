"""Fixtures for the send flow: the real app on a real database (SQLite and PostgreSQL),
with an in-test provider, and the worker driven step by step."""

import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from app.delivery.provider import OutgoingEmail
from app.main import create_app
from app.resources import Resources
from app.services import Services
from app.settings import Settings
from tests.fakes.recording_provider import RecordingProvider

PERSON = "jane@example.org"
BERN = "rusbotschaft@bluewin.ch"
TOKEN = re.compile(r"/v1/letters/confirm\?token=([A-Za-z0-9_-]+)")


def send_body(**overrides: Any) -> dict[str, Any]:
    sender = {"name": "Jane Doe", "email": PERSON, "city": "Basel", "country": "CH"}
    sender |= overrides.pop("sender", {})
    return {"campaign_id": "navalny-appeal", "sender": sender, "consent": True} | overrides


@dataclass
class Harness:
    client: httpx.AsyncClient
    provider: RecordingProvider
    resources: Resources
    app: Any = None  # the FastAPI app, for a test that swaps one of its resources

    async def deliver(self) -> int:
        """Run the worker until nothing is due; how many e-mails it handled."""
        total = 0
        while handled := await self.resources.worker.run_once():
            total += handled
        return total

    def token(self, email: OutgoingEmail) -> str:
        found = TOKEN.search(email.text)
        assert found, "the confirmation e-mail carries the link"
        return found.group(1)

    async def confirmed_letter(self, **overrides: Any) -> str:
        """POST, deliver the confirmation, open its link: the letter id, queued."""
        answer = await self.client.post("/v1/letters", json=send_body(**overrides))
        assert answer.status_code == 202, answer.text
        await self.deliver()
        page = await self.client.get(
            "/v1/letters/confirm", params={"token": self.token(self.provider.sent[-1])}
        )
        assert page.status_code == 200, page.text
        letter_id: str = answer.json()["id"]
        return letter_id


SettingsChange = Callable[[Settings], Settings]


@pytest.fixture
def send_settings(services: Services, database_url: str, tmp_path: Any) -> Settings:
    return services.settings.model_copy(
        update={
            "database_url": database_url,
            "worker_in_process": False,
            "from_email": "letters@platform.example",
            "from_name": "Embassy Letters",
            "public_url": "https://letters.example",
            "console_outbox": tmp_path / "outbox",
            # These tests send many letters from one address; tests/partners tests the limit.
            "rate_limit_send": "100000/hour",
        }
    )


@pytest.fixture
async def harness(services: Services, send_settings: Settings) -> AsyncIterator[Harness]:
    async with harness_for(services, send_settings) as running:
        yield running


def harness_for(services: Services, settings: Settings) -> Any:
    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def run() -> AsyncIterator[Harness]:
        provider = RecordingProvider()
        app = create_app(settings, services=services, provider=provider)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
                yield Harness(c, provider, app.state.resources, app)

    return run()
