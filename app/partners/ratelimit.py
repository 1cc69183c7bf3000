"""Counting requests against limits (the `limits` library): in memory, or in Redis.

A moving window: "5/hour" means at most five in any sixty minutes, with no burst of ten
across the turn of an hour as a fixed window allows. Redis makes the count shared by
every replica; in memory each process counts alone (one process, or development).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import structlog
from limits import RateLimitItem
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError

if TYPE_CHECKING:
    import redis.asyncio

log = structlog.get_logger(__name__)

CLEAN_EVERY_S = 1.0
# The library's hook that `_PacedMemoryStorage` paces (a private name: a test checks it exists).
EXPIRY_HOOK = "_MemoryStorage__schedule_expiry"


class _PacedMemoryStorage(MemoryStorage):
    """The library's in-memory storage, dropping expired entries once a second.

    The library starts that clean-up after every hit, and it holds the key's lock across a
    worker-thread hop: every request behind it waited for a thread, which under load cut
    compose throughput to a fifth. Counting does not depend on it (a hit compares against
    the entry `limit` places back, and windows are found by time), so pacing it changes no
    verdict; it only lets expired entries stay up to a second longer in memory.
    """

    def __init__(self) -> None:
        super().__init__(wrap_exceptions=True)
        self._next_clean = 0.0

    async def _MemoryStorage__schedule_expiry(self) -> None:  # the hook, see EXPIRY_HOOK
        now = time.monotonic()
        if now >= self._next_clean:
            self._next_clean = now + CLEAN_EVERY_S
            await getattr(super(), EXPIRY_HOOK)()


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    limit: int
    retry_after: int = 0  # seconds until one more request would be allowed


class Limiter:
    """One storage, one strategy; `close()` releases what `memory()`/`redis()` opened."""

    def __init__(self, storage: Storage, pool: redis.asyncio.ConnectionPool | None = None):
        self._storage = storage
        self._pool = pool
        self._strategy = MovingWindowRateLimiter(storage)

    @classmethod
    def memory(cls) -> Limiter:
        return cls(_PacedMemoryStorage())

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
        return cls(storage, pool)

    async def hit(self, item: RateLimitItem, *identity: str) -> Verdict:
        """Count one request for `identity` under `item`.

        If the storage is down the request is let through (and logged): a broken Redis
        should not silence everyone writing a letter; the per-embassy daily limit and the
        confirmation e-mail still stand between a flood and an embassy.
        """
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
        await self._strategy.clear(item, *identity)

    async def close(self) -> None:
        if isinstance(self._storage, MemoryStorage) and self._storage.timer:
            self._storage.timer.cancel()
        if self._pool is not None:
            await self._pool.aclose()
