"""The delivery worker: claims due outbox rows, sends them, records what happened.

Every step is its own short transaction, so a crash at any moment loses nothing: a claimed
row whose worker dies is claimed again when its lease runs out. The one duplicate window is
between the provider's answer and the one-statement write that records it (see README).
"""

import asyncio
import os
import secrets
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import structlog

from app.db.database import Database
from app.delivery import outbox
from app.delivery.acceptances import Acceptance, Acceptances
from app.delivery.backoff import delay
from app.delivery.dispatch import Dispatch
from app.delivery.outbox import Claimed
from app.delivery.provider import (
    Accepted,
    PermanentSendError,
    Provider,
    TransientSendError,
)
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
        self.acceptances = Acceptances(database)

    async def run(self, stop: asyncio.Event) -> None:
        """Until `stop` is set: keep up to `concurrency` sends in flight, sweep now and then."""
        tasks: dict[asyncio.Task[None], int] = {}
        next_sweep = next_renewal = 0.0
        loop = asyncio.get_running_loop()
        await self.acceptances.ready()
        while not stop.is_set():
            room = self.config.concurrency - len(tasks)
            claimed = await self._claim(room) if room > 0 else []
            for item in claimed:
                task = asyncio.create_task(self.deliver(item))
                tasks[task] = item.id
                task.add_done_callback(lambda done: tasks.pop(done, None))
            if loop.time() >= next_renewal:
                await self._renew(list(tasks.values()))
                next_renewal = loop.time() + self.config.lease.total_seconds() / 3
            if loop.time() >= next_sweep:
                await self._sweep()
                next_sweep = loop.time() + self.config.sweep_every
            if not claimed or len(tasks) >= self.config.concurrency:
                await self._idle(stop, set(tasks))
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

    async def _renew(self, ids: list[int]) -> None:
        try:
            async with self.database.begin() as session:
                await outbox.extend(session, ids, self.name, self.clock() + self.config.lease)
        except Exception as error:  # the next renewal tries again; the lease has margin
            log.warning("lease_renewal_failed", error_type=type(error).__name__)

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
            if item.accepted_by is not None:
                # Its worker died between the acceptance and the bookkeeping: finish that.
                accepted = Accepted(provider_message_id=item.provider_message_id or "")
                await self._finish_sent(item, item.accepted_by, accepted)
                return
            email = await self.dispatch.prepare(item, self.name, self.clock())
            if email is None:
                return
            try:
                accepted = await self.provider.send(email)
            except TransientSendError as error:
                await self._transient(item, error.reason, error.retry_after)
            except PermanentSendError as error:
                reason = error.reason
                await self._persist(item, lambda: self.dispatch.failed(item, reason, self.clock()))
            else:
                await self._record_sent(item, accepted)
        except Exception as error:
            # Never the exception's text: it may quote an address or a letter.
            log.error("delivery_error", kind=item.kind, outbox_id=item.id,
                      error_type=type(error).__name__)
            await self._transient(item, f"internal error: {type(error).__name__}", None)

    async def _record_sent(self, item: Claimed, accepted: Accepted) -> None:
        """The provider has the e-mail: from here on, sending it again would be a duplicate.
        So the acceptance is written first, alone, on a connection kept for it, durable
        when it returns: the duplicate window is that one round trip (see README). A database that
        is away is waited for (this process alone knows of the acceptance) while the lease
        keeps other workers off; only a crash in that wait, or an outage longer than the
        lease, leaves the window open longer. Then the letter's bookkeeping follows."""
        provider = self.provider.name
        if await self._persist(item, lambda: self._accepted(item, provider, accepted)):
            await self._finish_sent(item, provider, accepted)

    async def _accepted(self, item: Claimed, provider: str, accepted: Accepted) -> None:
        await self.acceptances.record(
            Acceptance(item.id, provider, accepted.provider_message_id, self.clock())
        )

    async def _finish_sent(self, item: Claimed, provider: str, accepted: Accepted) -> None:
        """The row goes, the letter is `sent` and counted; if this fails for good, the
        recorded acceptance lets the next claim of the row finish it without sending."""
        if await self._persist(item, lambda: self.dispatch.sent(
                item, provider, accepted, self.clock())):
            log.info("email_sent", kind=item.kind, outbox_id=item.id, attempt=item.attempts)

    async def _persist(self, item: Claimed, write: Callable[[], Awaitable[None]]) -> bool:
        """Run `write`, again and again while the database is away, within most of the
        lease; False if it never went through (the lease then brings the item back)."""
        loop = asyncio.get_running_loop()
        give_up = loop.time() + self.config.lease.total_seconds() * 0.8
        wait = 0.05
        while True:
            try:
                await write()
                return True
            except Exception as error:
                if loop.time() + wait > give_up:
                    log.error("outbox_write_lost", kind=item.kind, outbox_id=item.id,
                              error_type=type(error).__name__)
                    return False
                log.warning("outbox_write_retry", outbox_id=item.id,
                            error_type=type(error).__name__)
                await asyncio.sleep(wait)
                wait = min(wait * 2, 2.0)

    async def _transient(self, item: Claimed, reason: str, retry_after: float | None) -> None:
        now = self.clock()
        if item.attempts >= self.config.max_attempts:
            final = f"gave up after {item.attempts} attempts: {reason}"
            await self._persist(item, lambda: self.dispatch.failed(item, final, now))
            return
        due = now + timedelta(seconds=delay(item.attempts, retry_after))
        log.info("email_retry", kind=item.kind, outbox_id=item.id, attempt=item.attempts,
                 wait_seconds=round((due - now).total_seconds(), 1))
        await self._persist(item, lambda: self.dispatch.retry(item, self.name, due, reason, now))
