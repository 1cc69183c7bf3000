"""What every HTTP adapter must do, each against its own local fake of the provider's API."""

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import httpx
import pytest

from app.delivery.provider import Accepted
from tests.fakes.provider_servers import FakeProvider
from tests.fakes.smtp_relay import free_port

from . import http_cases
from .factory import letter
from .providers import KINDS, SLOW_TIMEOUT, TIMEOUT, Kind


@pytest.fixture(scope="module", params=KINDS, ids=lambda k: k.name)
def running(request: pytest.FixtureRequest) -> Iterator[tuple[Kind, FakeProvider]]:
    kind: Kind = request.param
    with kind.fake() as fake:
        yield kind, fake


@pytest.fixture
def fake(running: tuple[Kind, FakeProvider]) -> FakeProvider:
    fake = running[1]
    fake.behaviour.answer = "ok"
    fake.behaviour.slow_seconds = 60.0  # ended early when the server stops
    fake.received.clear()
    fake.accepted.clear()
    return fake


@pytest.fixture
def kind(running: tuple[Kind, FakeProvider]) -> Kind:
    return running[0]


async def test_accepted_with_the_providers_id(
    kind: Kind, fake: FakeProvider, http: httpx.AsyncClient
) -> None:
    accepted = await kind.adapter(fake, http, True).send(letter())
    assert isinstance(accepted, Accepted)
    assert len(fake.accepted) == 1
    assert accepted.provider_message_id
    assert accepted.provider_message_id != "<0f3a9c.letter@platform.example>"


async def test_connections_are_pooled(
    kind: Kind, fake: FakeProvider, http: httpx.AsyncClient
) -> None:
    adapter = kind.adapter(fake, http, True)
    for n in range(3):
        await adapter.send(letter(message_id=f"<pooled-{n}@platform.example>"))
    assert len(fake.accepted) == 3
    # One TCP connection (one client port) carried all three: the shared client's pool.
    assert len({r.peer_port for r in fake.received}) == 1


async def test_wrong_credentials_are_permanent(
    kind: Kind, fake: FakeProvider, http: httpx.AsyncClient
) -> None:
    await http_cases.check_wrong_credentials(kind.adapter(fake, http, False))
    assert fake.accepted == []


async def test_rejection_is_permanent_with_a_clean_reason(
    kind: Kind, fake: FakeProvider, http: httpx.AsyncClient
) -> None:
    reason = await http_cases.check_rejected(fake, kind.adapter(fake, http, True))
    assert reason.startswith(kind.name)


@pytest.mark.parametrize("case", http_cases.FAILURES, ids=lambda c: c.__name__)
async def test_transient_failures(
    kind: Kind, fake: FakeProvider, http: httpx.AsyncClient, case: http_cases.Case
) -> None:
    timeout = SLOW_TIMEOUT if case is http_cases.check_slow else TIMEOUT
    await case(fake, kind.adapter(fake, http, True, timeout))


async def test_nothing_listening_is_transient(
    kind: Kind, fake: FakeProvider, http: httpx.AsyncClient
) -> None:
    adapter: Any = kind.adapter(fake, http, True)
    adapter.config = replace(adapter.config, base_url=f"http://127.0.0.1:{free_port()}")
    await http_cases.check_nothing_listening(adapter)
