"""The failure cases every HTTP provider adapter must map the same way, run per provider."""

from collections.abc import Awaitable, Callable

import pytest

from app.delivery.provider import (
    PermanentSendError,
    Provider,
    TransientSendError,
)
from tests.fakes.provider_servers import FakeProvider

from .factory import letter


async def check_rate_limited(fake: FakeProvider, provider: Provider) -> None:
    fake.behaviour.answer = "rate_limited"
    fake.behaviour.retry_after = "7"
    with pytest.raises(TransientSendError) as caught:
        await provider.send(letter())
    assert caught.value.retry_after == 7.0
    assert "429" in caught.value.reason


async def check_rate_limited_until_http_date(fake: FakeProvider, provider: Provider) -> None:
    fake.behaviour.answer = "rate_limited"
    fake.behaviour.retry_after = "Wed, 21 Oct 2015 07:28:00 GMT"  # long past: retry now
    with pytest.raises(TransientSendError) as caught:
        await provider.send(letter())
    assert caught.value.retry_after == 0.0


async def check_server_error(fake: FakeProvider, provider: Provider) -> None:
    fake.behaviour.answer = "server_error"
    with pytest.raises(TransientSendError, match="500"):
        await provider.send(letter())


async def check_rejected(fake: FakeProvider, provider: Provider) -> str:
    fake.behaviour.answer = "rejected"
    with pytest.raises(PermanentSendError) as caught:
        await provider.send(letter())
    reason = caught.value.reason
    assert "@" not in reason, "a provider's message must not leak an address into the reason"
    assert len(reason) <= 200
    return reason


async def check_slow(fake: FakeProvider, provider: Provider) -> None:
    fake.behaviour.answer = "slow"
    with pytest.raises(TransientSendError, match="timeout"):
        await provider.send(letter())
    assert fake.accepted == []


async def check_reset(fake: FakeProvider, provider: Provider) -> None:
    fake.behaviour.answer = "reset"
    with pytest.raises(TransientSendError, match="connection"):
        await provider.send(letter())


async def check_wrong_credentials(provider: Provider) -> None:
    with pytest.raises(PermanentSendError, match=r"40[13]"):
        await provider.send(letter())


async def check_nothing_listening(provider: Provider) -> None:
    with pytest.raises(TransientSendError, match="connection"):
        await provider.send(letter())


Case = Callable[[FakeProvider, Provider], Awaitable[None]]
FAILURES: list[Case] = [
    check_rate_limited,
    check_rate_limited_until_http_date,
    check_server_error,
    check_slow,
    check_reset,
]
