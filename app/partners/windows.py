"""Moving-window counting in this process's memory: the limiter's store without Redis.

Per key, the times of the hits still inside its window, oldest first: a hit drops the ones
that left it and compares what remains with the limit, so it costs the same however high
the limit is. (The `limits` library's in-memory store inserted each hit at the front of a
list, a copy of the whole window per request, and took an asyncio lock on every hit.)
The verdicts are the library's moving window: a hit exactly `expiry` seconds old still
counts, and a refused hit is not recorded.

Pure: no I/O, the clock passed in. A key nobody has used for a whole window is forgotten
within a second (the keys name client addresses, which must not linger).
"""

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from limits import RateLimitItem

SWEEP_EVERY_S = 1.0


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    limit: int
    retry_after: int = 0  # seconds until one more request would be allowed


@dataclass(slots=True)
class _Window:
    expiry: float  # seconds a hit counts
    times: deque[float] = field(default_factory=deque)  # hits inside the window, oldest first


@lru_cache(maxsize=256)  # one a limit: a frozen dataclass cost ~6K instructions to build a hit
def _allowed(limit: int) -> Verdict:
    return Verdict(True, limit)


class MovingWindows:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._windows: dict[tuple[int | str, ...], _Window] = {}
        self._next_sweep = 0.0

    def hit(self, item: RateLimitItem, *identity: str) -> Verdict:
        """Count one request for `identity` under `item`, unless that would be over it."""
        now = self._clock()
        if now >= self._next_sweep:
            self._sweep(now)
        expiry = item.get_expiry()
        key: tuple[int | str, ...] = (item.amount, expiry, *identity)  # not `key_for`: no string
        window = self._windows.get(key)
        if window is None:
            window = self._windows[key] = _Window(expiry)
        times, cutoff = window.times, now - window.expiry
        while times and times[0] < cutoff:
            times.popleft()
        if len(times) >= item.amount:  # "0/minute" refuses all: no oldest hit, a whole window
            oldest = times[0] if times else now
            return Verdict(False, item.amount, max(1, math.ceil(oldest - cutoff)))
        times.append(now)
        return _allowed(item.amount)

    def clear(self, item: RateLimitItem, *identity: str) -> None:
        self._windows.pop((item.amount, item.get_expiry(), *identity), None)

    def __len__(self) -> int:
        """How many keys are held (for tests: idle ones must go)."""
        return len(self._windows)

    def _sweep(self, now: float) -> None:
        self._next_sweep = now + SWEEP_EVERY_S
        idle = [k for k, w in self._windows.items() if not w.times or w.times[-1] < now - w.expiry]
        for key in idle:
            del self._windows[key]

