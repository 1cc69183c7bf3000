"""Counting requests against limits: in this process's memory, or in Redis (`limits`).

A moving window: "5/hour" means at most five in any sixty minutes, with no burst of ten
across the turn of an hour as a fixed window allows. Redis makes the count shared by
every replica; in memory each process counts alone (one process, or development), with
app.partners.windows, which gives the `limits` library's verdicts without its costs.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

import structlog
from limits import RateLimitItem
from limits.aio.storage import RedisStorage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError

from app.partners.windows import MovingWindows, Verdict

if TYPE_CHECKING:
    import redis.asyncio

__all__ = ["Limiter", "Verdict"]
log = structlog.get_logger(__name__)


class Limiter:
    """Counts in memory or in Redis; `close()` releases what `redis()` opened."""

    def __init__(
        self,
        windows: MovingWindows | None = None,
        storage: RedisStorage | None = None,
        pool: redis.asyncio.ConnectionPool | None = None,
    ) -> None:
        self._windows = windows
        self._pool = pool
        self._strategy = MovingWindowRateLimiter(storage) if storage is not None else None

    @classmethod
    def memory(cls) -> Limiter:
        return cls(windows=MovingWindows())

    @classmethod
    def redis(cls, url: str, prefix: str) -> Limiter:
        """Nothing connects until the first hit; every key starts with `prefix`."""
        # Imported here: redis-py and the cryptography it pulls in are ~14 MiB resident,
        # which a process counting in memory never uses.
        import redis.asyncio

        pool = redis.asyncio.ConnectionPool.from_url(
            url, socket_connect_timeout=1.0, socket_timeout=1.0
        )
        storage = RedisStorage(
            f"async+{url}",
            wrap_exceptions=True,
            implementation="redispy",
            key_prefix=f"{prefix}:ratelimit",
            connection_pool=pool,  # type: ignore[arg-type]  # passed through to redis-py
        )
        return cls(storage=storage, pool=pool)

    async def hit(self, item: RateLimitItem, *identity: str) -> Verdict:
        """Count one request for `identity` under `item`.

        If the storage is down the request is let through (and logged): a broken Redis
        should not silence everyone writing a letter; the per-embassy daily limit and the
        confirmation e-mail still stand between a flood and an embassy.
        """
        if self._windows is not None:
            return self._windows.hit(item, *identity)
        assert self._strategy is not None
        try:
            if await self._strategy.hit(item, *identity):
                return Verdict(True, item.amount)
            stats = await self._strategy.get_window_stats(item, *identity)
        except StorageError as exc:
            failure = type(exc.storage_error).__name__
            log.warning("rate_limit_storage_unavailable", error_type=failure)
            return Verdict(True, item.amount)
        wait = max(1, math.ceil(stats.reset_time - time.time()))
        return Verdict(False, item.amount, wait)

    async def clear(self, item: RateLimitItem, *identity: str) -> None:
        if self._windows is not None:
            self._windows.clear(item, *identity)
        elif self._strategy is not None:
            await self._strategy.clear(item, *identity)

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.aclose()
