"""The delivery worker: claims due outbox rows, sends them, records what happened.

Every step is its own short transaction, so a crash at any moment loses nothing: a claimed
row whose worker dies is claimed again when its lease runs out. The one duplicate window is
between the provider's answer and the one-statement write that records it (see README);
a provider that can be asked (SentLookup) closes it: a second attempt asks first.
"""

import asyncio
import contextlib
import os
import secrets
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.database import Database
from app.delivery import outbox
from app.delivery.acceptances import Acceptance, Acceptances
from app.delivery.backoff import delay
from app.delivery.dispatch import Dispatch, Prepared, Sent
from app.delivery.group_commit import GroupCommit
from app.delivery.ledger import AUTO
from app.delivery.outbox import Claimed
from app.delivery.provider import (
    Accepted,
    OutgoingEmail,
    PermanentSendError,
    Provider,
    SentLookup,
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
    ledger: str = AUTO  # PostgreSQL's local acceptance ledger (LETTERS_ACCEPTANCE_LEDGER)


class Worker:
    def __init__(
        self, database: Database, provider: Provider, dispatch: Dispatch, config: WorkerConfig,
        clock: Clock = utcnow, name: str | None = None,
    ) -> None:
        self.database, self.provider, self.dispatch = database, provider, dispatch
        self.config, self.clock = config, clock
        self.name = name or worker_name()
        self.wakeup = asyncio.Event()
        # Each acceptance written on its outbox row the moment it comes (the window)...
        self.acceptances = Acceptances(database, config.ledger)
        # ...then the letters' bookkeeping, committed together with any that came meanwhile.
        self.recorder: GroupCommit[Sent] = GroupCommit(
            lambda records: self._bookkeep(records, self.provider.name)
        )

    async def run(self, stop: asyncio.Event) -> None:
        """Until `stop` is set: keep up to `concurrency` sends in flight (each finished one
        makes room that the next claim fills), sweep now and then."""
        tasks: dict[asyncio.Task[None], int] = {}

        def finished(done: asyncio.Task[None]) -> None:
            tasks.pop(done, None)
            self.wakeup.set()  # room for the next claim

        await self.acceptances.ready()
        stopping = asyncio.create_task(self._wake_on(stop))
        try:
            await self._loop(stop, tasks, finished)
        finally:
            stopping.cancel()
        # A graceful stop lets sends in flight finish and be recorded.
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _loop(
        self, stop: asyncio.Event, tasks: dict[asyncio.Task[None], int],
        finished: Callable[[asyncio.Task[None]], None],
    ) -> None:
        next_sweep = next_renewal = 0.0
        loop = asyncio.get_running_loop()
        while not stop.is_set():
            room = self.config.concurrency - len(tasks)
            claimed = await self._claim(room) if room > 0 else []
            for ready in claimed:
                if ready.email is None and ready.error is None and not ready.item.accepted_by:
                    continue  # nothing to send now, and that is recorded already
                task = asyncio.create_task(self.deliver(ready))
                tasks[task] = ready.item.id
                task.add_done_callback(finished)
            if loop.time() >= next_renewal:
                await self._renew(list(tasks.values()))
                next_renewal = loop.time() + self.config.lease.total_seconds() / 3
            if loop.time() >= next_sweep:
                await self._sweep()
                next_sweep = loop.time() + self.config.sweep_every
            if len(claimed) < room or len(tasks) >= self.config.concurrency:
                await self._idle()  # nothing more due, or no room

    async def run_once(self) -> int:
        """Claim what is due and send it all; the number handled (for tests and the CLI)."""
        claimed = await self._claim(self.config.concurrency)
        await asyncio.gather(*(self.deliver(ready) for ready in claimed))
        return len(claimed)

    async def _claim(self, limit: int) -> list[Prepared]:
        """Claim due e-mails and make them ready (letters marked `sending`, pacing applied)
        in one transaction; if that fails, claim alone and prepare each in its own."""
        try:
            async with self.database.begin() as session:
                claimed = await self._lease(session, limit)
                return await self.dispatch.prepare_many(session, claimed, self.name,
                                                        self.clock())
        except Exception as error:
            log.warning("outbox_claim_prepare_failed", error_type=type(error).__name__)
        try:
            async with self.database.begin() as session:
                claimed = await self._lease(session, limit)
        except Exception as error:  # the database away for a moment: try again later
            log.warning("outbox_claim_failed", error_type=type(error).__name__)
            return []
        return [await self._prepare_alone(item) for item in claimed]

    async def _lease(self, session: AsyncSession, limit: int) -> list[Claimed]:
        """Claim, each row with the acceptance a dead worker recorded for it, if any."""
        claimed = await outbox.claim(session, self.name, self.clock(), self.config.lease, limit)
        return self.acceptances.recorded(claimed)

    async def _prepare_alone(self, item: Claimed) -> Prepared:
        try:
            return Prepared(item, await self.dispatch.prepare(item, self.name, self.clock()))
        except Exception as error:
            return Prepared(item, None, error)

    async def _renew(self, ids: list[int]) -> None:
        try:
            async with self.database.begin() as session:
                await outbox.extend(session, ids, self.name, self.clock() + self.config.lease)
        except Exception as error:  # the next renewal tries again; the lease has margin
            log.warning("lease_renewal_failed", error_type=type(error).__name__)

    async def _wake_on(self, stop: asyncio.Event) -> None:
        await stop.wait()
        self.wakeup.set()

    async def _idle(self) -> None:
        """Until a send finishes, a letter is queued (`wakeup`), the worker is stopped or
        `poll` seconds pass. One event that all of them set, rather than a wait on every
        send in flight (a callback added to and taken from each, and two waiter tasks, for
        every send that finished)."""
        if not self.wakeup.is_set():
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.config.poll):
                    await self.wakeup.wait()
        self.wakeup.clear()

    async def _sweep(self) -> None:
        try:
            expired, deleted = await sweep(self.database, self.clock(), self.config.retention)
            await self.acceptances.prune()
        except Exception as error:
            log.warning("sweep_failed", error_type=type(error).__name__)
            return
        if expired or deleted:
            log.info("swept", expired=expired, deleted=deleted)

    async def deliver(self, ready: Prepared) -> None:
        """Send and record one claimed e-mail made ready."""
        item = ready.item
        try:
            if item.accepted_by is not None:
                # Its worker died between the acceptance and the bookkeeping: finish that.
                accepted = Accepted(provider_message_id=item.provider_message_id or "")
                await self._finish_sent(item, item.accepted_by, accepted)
                return
            if ready.error is not None:
                raise ready.error
            if ready.email is None:
                return
            try:
                accepted = await self._send(item, ready.email)
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

    async def _send(self, item: Claimed, email: OutgoingEmail) -> Accepted:
        """Send; but before a second attempt, a provider that can be asked (SentLookup) is
        asked whether an earlier one reached it unanswered, and what it has is recorded."""
        if item.attempts > 1 and isinstance(self.provider, SentLookup):
            try:
                found = await self.provider.find(email)
            except PermanentSendError:
                # The search refused (not the send): go on as a provider that cannot be
                # asked would, rather than fail a letter the send may well take. A search
                # that may work later (TransientSendError) waits, as a send would.
                log.warning("email_lookup_refused", kind=item.kind, outbox_id=item.id)
                found = None
            if found is not None:
                log.info("email_found_sent", kind=item.kind, outbox_id=item.id,
                         attempt=item.attempts)
                return found
        return await self.provider.send(email)

    async def _record_sent(self, item: Claimed, accepted: Accepted) -> None:
        """The provider has the e-mail: from here on, sending it again would be a duplicate.
        So the acceptance is written first, alone, on a connection kept for it, durable
        when it returns: the duplicate window is that one round trip (see README). A
        database that is away is waited for (this process alone knows of the acceptance)
        while the lease keeps other workers off; only a crash in that wait, or an outage
        longer than the lease, leaves the window open longer. Then the bookkeeping."""
        acceptance = Acceptance(item.id, item.reference, self.provider.name,
                                accepted.provider_message_id, self.clock())
        if await self._persist(item, lambda: self.acceptances.record(acceptance)):
            await self._finish_sent(item, self.provider.name, accepted)

    async def _finish_sent(self, item: Claimed, provider: str, accepted: Accepted) -> None:
        """The row goes, the letter is `sent` and counted; if this fails for good, the
        recorded acceptance lets the next claim of the row finish it without sending."""
        record = Sent(item, accepted, self.clock())

        def alone() -> Awaitable[None]:
            return self._bookkeep([record], provider)

        def grouped() -> Awaitable[None]:  # the group records as this worker's provider
            return self.recorder.submit(record) if provider == self.provider.name else alone()

        # A retry goes alone, so that an item whose write fails cannot fail a group twice.
        if await self._persist(item, grouped, again=alone):
            log.info("email_sent", kind=item.kind, outbox_id=item.id, attempt=item.attempts)

    async def _bookkeep(self, records: list[Sent], provider: str) -> None:
        await self.dispatch.sent_many(records, provider)
        self.acceptances.forget(record.item for record in records)

    def close(self) -> None:
        self.acceptances.close()

    async def _persist(
        self, item: Claimed, write: Callable[[], Awaitable[None]],
        again: Callable[[], Awaitable[None]] | None = None,
    ) -> bool:
        """Run `write` (then `again`, if given), again and again while the database is away,
        within most of the lease; False if it never went through (the lease then brings the
        item back)."""
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
                write = again or write

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
