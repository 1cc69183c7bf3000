"""The in-memory moving window: the `limits` library's verdicts, idle keys forgotten."""

import pytest
from limits import parse
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter

from app.partners.ratelimit import Limiter
from app.partners.windows import SWEEP_EVERY_S, MovingWindows


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_at_most_the_limit_in_any_window_with_the_wait_until_the_oldest_leaves() -> None:
    clock = Clock()
    windows = MovingWindows(clock)
    item = parse("3/minute")
    seen = []
    for _ in range(5):
        seen.append(windows.hit(item, "send", "ip:192.0.2.9"))
        clock.now += 1
    assert [v.allowed for v in seen] == [True, True, True, False, False]
    assert [v.retry_after for v in seen[3:]] == [57, 56]
    assert all(v.limit == 3 for v in seen)
    assert windows.hit(item, "send", "ip:192.0.2.10").allowed  # per identity
    assert windows.hit(item, "compose", "ip:192.0.2.9").allowed  # per scope


def test_a_hit_counts_for_exactly_its_window() -> None:
    clock = Clock()
    windows = MovingWindows(clock)
    item = parse("1/minute")
    assert windows.hit(item, "compose", "ip:192.0.2.1").allowed
    clock.now += 60  # exactly a window later the hit still counts, as in `limits`
    refused = windows.hit(item, "compose", "ip:192.0.2.1")
    assert not refused.allowed and refused.retry_after == 1
    clock.now += 0.001
    assert windows.hit(item, "compose", "ip:192.0.2.1").allowed


def test_a_refused_hit_is_not_counted() -> None:
    clock = Clock()
    windows = MovingWindows(clock)
    item = parse("2/minute")
    windows.hit(item, "send", "k")
    clock.now += 30
    windows.hit(item, "send", "k")
    for _ in range(10):
        assert not windows.hit(item, "send", "k").allowed
    clock.now += 30.5  # the first hit left; the refused ones never counted
    assert windows.hit(item, "send", "k").allowed


def test_a_zero_limit_refuses_everything_for_a_whole_window() -> None:
    verdict = MovingWindows(Clock()).hit(parse("0/hour"), "send", "k")
    assert not verdict.allowed and verdict.retry_after == 3600


def test_idle_keys_are_forgotten_within_a_second_of_their_window() -> None:
    clock = Clock()
    windows = MovingWindows(clock)
    for n in range(50):
        windows.hit(parse("5/minute"), "compose", f"ip:192.0.2.{n}")
    assert len(windows) == 50
    clock.now += 30
    windows.hit(parse("5/minute"), "compose", "ip:198.51.100.1")
    assert len(windows) == 51  # still inside their window
    clock.now += 30 + SWEEP_EVERY_S
    windows.hit(parse("5/minute"), "compose", "ip:198.51.100.2")
    assert len(windows) == 2  # the first fifty went, the recent one stays


@pytest.mark.parametrize("spec", ["3/minute", "1/second", "10/hour"])
async def test_verdicts_match_the_library_s_moving_window(spec: str) -> None:
    item = parse(spec)
    library = MovingWindowRateLimiter(MemoryStorage())
    ours = MovingWindows()
    for n in range(2 * item.amount + 3):
        identity = ("compose", f"ip:192.0.2.{n % 2}")
        assert ours.hit(item, *identity).allowed == await library.hit(item, *identity)


async def test_the_limiter_in_memory_gives_verdicts_and_forgets_on_clear() -> None:
    limiter = Limiter.memory()
    item = parse("2/minute")
    verdicts = [await limiter.hit(item, "send", "ip:192.0.2.9") for _ in range(3)]
    assert [v.allowed for v in verdicts] == [True, True, False]
    assert 59 <= verdicts[-1].retry_after <= 60
    await limiter.clear(item, "send", "ip:192.0.2.9")
    assert (await limiter.hit(item, "send", "ip:192.0.2.9")).allowed
    await limiter.close()
