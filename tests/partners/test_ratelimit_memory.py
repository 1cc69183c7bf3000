"""The in-memory limiter: the library's moving window, with its clean-up paced."""

import asyncio

import pytest
from limits import parse
from limits.aio.storage import MemoryStorage

from app.partners import ratelimit
from app.partners.ratelimit import EXPIRY_HOOK, Limiter


def test_the_paced_hook_is_the_one_the_library_calls() -> None:
    # A private name: if the library renames it, the pacing would silently stop.
    assert callable(getattr(MemoryStorage, EXPIRY_HOOK, None))


async def test_clean_up_runs_once_per_interval_not_per_hit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runs = 0
    library_hook = getattr(MemoryStorage, EXPIRY_HOOK)

    async def counted(storage: MemoryStorage) -> None:
        nonlocal runs
        runs += 1
        await library_hook(storage)

    monkeypatch.setattr(MemoryStorage, EXPIRY_HOOK, counted)
    limiter = Limiter.memory()
    item = parse("1000/minute")
    for _ in range(200):
        assert (await limiter.hit(item, "compose", "ip:192.0.2.1")).allowed
        await asyncio.sleep(0)  # let a scheduled clean-up run, as between real requests
    await limiter.close()
    assert runs == 1


@pytest.mark.parametrize("every_s", [0.0, 1.0])  # cleaned after every hit (as before), paced
async def test_verdicts_are_the_moving_window_s(
    monkeypatch: pytest.MonkeyPatch, every_s: float
) -> None:
    monkeypatch.setattr(ratelimit, "CLEAN_EVERY_S", every_s)
    limiter = Limiter.memory()
    item = parse("3/minute")
    verdicts = [await limiter.hit(item, "send", "ip:192.0.2.9") for _ in range(5)]
    assert [v.allowed for v in verdicts] == [True, True, True, False, False]
    assert 55 <= verdicts[-1].retry_after <= 60
    assert (await limiter.hit(item, "send", "ip:192.0.2.10")).allowed  # per identity
    await limiter.close()
