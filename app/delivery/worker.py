"""The delivery worker: claims due outbox rows, sends them, records what happened.

Every step is its own short transaction, so a crash at any moment loses nothing: a claimed
row whose worker dies is claimed again when its lease runs out. The one duplicate window is
between the provider accepting an e-mail and the commit that records it (see README).
"""

import asyncio
import os
import secrets
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import structlog

from app.db.database import Database
from app.delivery import outbox
from app.delivery.backoff import delay
from app.delivery.dispatch import Dispatch
from app.delivery.outbox import Claimed
from app.delivery.provider import PermanentSendError, Provider, TransientSendError
from app.delivery.sweeper import sweep

log = structlog.get_logger(__name__)
Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


def worker_name() -> str:
    return f"{socket.gethostname()[:30]}-{os.getpid()}-{secrets.token_hex(3)}"


@dataclass(frozen=True, slots=True)
class WorkerConfig:
    concurrency: int = 32
    lease: timedelta = timedelta(seconds=120)
    poll: float = 1.0
    max_attempts: int = 8
    sweep_every: float = 60.0
    retention: timedelta = timedelta(days=30)


class Worker:
    def __init__(
        self, database: Database, provider: Provider, dispatch: Dispatch, config: WorkerConfig,
        clock: Clock = utcnow, name: str | None = None,
    ) -> None:
        self.database, self.provider, self.dispatch = database, provider, dispatch
        self.config, self.clock = config, clock
        self.name = name or worker_name()
        self.wakeup = asyncio.Event()

    async def run(self, stop: asyncio.Event) -> None:
        """Until `stop` is set: keep up to `concurrency` sends in flight, sweep now and then."""
        tasks: set[asyncio.Task[None]] = set()
        next_sweep = 0.0
        loop = asyncio.get_running_loop()
        while not stop.is_set():
            room = self.config.concurrency - len(tasks)
            claimed = await self._claim(room) if room > 0 else []
            for item in claimed:
                task = asyncio.create_task(self.deliver(item))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
            if loop.time() >= next_sweep:
                await self._sweep()
                next_sweep = loop.time() + self.config.sweep_every
            if not claimed or len(tasks) >= self.config.concurrency:
                await self._idle(stop, tasks)
        # A graceful stop lets sends in flight finish and be recorded.
        await asyncio.gather(*tasks, return_exceptions=True)

    async def run_once(self) -> int:
        """Claim what is due and send it all; the number handled (for tests and the CLI)."""
        claimed = await self._claim(self.config.concurrency)
        await asyncio.gather(*(self.deliver(item) for item in claimed))
        return len(claimed)

    async def _claim(self, limit: int) -> list[Claimed]:
        try:
            async with self.database.begin() as session:
                return await outbox.claim(
                    session, self.name, self.clock(), self.config.lease, limit
                )
        except Exception as error:  # the database away for a moment: try again later
            log.warning("outbox_claim_failed", error_type=type(error).__name__)
            return []

    async def _idle(self, stop: asyncio.Event, tasks: set[asyncio.Task[None]]) -> None:
        waiters = {asyncio.create_task(stop.wait()), asyncio.create_task(self.wakeup.wait())}
        await asyncio.wait(
            waiters | tasks, timeout=self.config.poll, return_when=asyncio.FIRST_COMPLETED
        )
        for waiter in waiters:
            waiter.cancel()
        self.wakeup.clear()

    async def _sweep(self) -> None:
        try:
            expired, deleted = await sweep(self.database, self.clock(), self.config.retention)
        except Exception as error:
            log.warning("sweep_failed", error_type=type(error).__name__)
            return
        if expired or deleted:
            log.info("swept", expired=expired, deleted=deleted)

    async def deliver(self, item: Claimed) -> None:
        """Prepare, send and record one claimed e-mail."""
        try:
            email = await self.dispatch.prepare(item, self.name, self.clock())
            if email is None:
                return
            try:
                accepted = await self.provider.send(email)
            except TransientSendError as error:
                await self._transient(item, error.reason, error.retry_after)
            except PermanentSendError as error:
                await self.dispatch.failed(item, error.reason, self.clock())
            else:
                await self.dispatch.sent(item, self.provider.name, accepted, self.clock())
                log.info("email_sent", kind=item.kind, outbox_id=item.id, attempt=item.attempts)
        except Exception as error:
            # Never the exception's text: it may quote an address or a letter.
            log.error("delivery_error", kind=item.kind, outbox_id=item.id,
                      error_type=type(error).__name__)
            await self._transient(item, f"internal error: {type(error).__name__}", None)

    async def _transient(self, item: Claimed, reason: str, retry_after: float | None) -> None:
        now = self.clock()
        if item.attempts >= self.config.max_attempts:
            await self.dispatch.failed(
                item, f"gave up after {item.attempts} attempts: {reason}", now
            )
            return
        due = now + timedelta(seconds=delay(item.attempts, retry_after))
        log.info("email_retry", kind=item.kind, outbox_id=item.id, attempt=item.attempts,
                 wait_seconds=round((due - now).total_seconds(), 1))
        try:
            await self.dispatch.retry(item, self.name, due, reason, now)
        except Exception as error:  # the lease expiry will bring it back
            log.warning("retry_not_recorded", error_type=type(error).__name__)
