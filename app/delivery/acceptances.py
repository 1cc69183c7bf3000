"""Providers' acceptances, made durable the moment they come.

This write is the duplicate window (README, "What a crash can do"): until it is durable, a
crash means the e-mail goes again. So it never waits for the main write lock or the pool:
- SQLite: into the acceptance ledger, a file with a lock of its own (delivery/ledger.py),
  at once, before anything else runs; a claim reads it back for the rows it takes.
- PostgreSQL: into this machine's ledger first, the same way (unless
  `LETTERS_ACCEPTANCE_LEDGER=off`), then onto the outbox row, on the database's urgent
  connection (`Database.autocommit`), for workers elsewhere; acceptances that come while
  one write is on its way go together in the next (GroupCommit: one round trip for all).
  A claim reads them with the row, and in the ledger those the row does not have.
"""

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

import structlog
from sqlalchemy import bindparam, select, text, update

from app.db.database import Database
from app.db.models import OutboxRow
from app.delivery.group_commit import GroupCommit
from app.delivery.ledger import AUTO, Entry, Ledger
from app.delivery.outbox import Claimed

log = structlog.get_logger(__name__)
OUTBOX = OutboxRow.metadata.tables[OutboxRow.__tablename__]
# Core, not ORM: a list of parameters makes it one executemany (one round trip on asyncpg).
WRITE = (
    update(OUTBOX)
    .where(OUTBOX.c.id == bindparam("outbox_id"))
    .values(accepted_at=bindparam("at"), accepted_by=bindparam("provider"),
            provider_message_id=bindparam("message_id"))
)
PRUNE_CHUNK = 500  # ids per query, well under SQLite's limit on bound parameters


@dataclass(frozen=True, slots=True)
class Acceptance:
    outbox_id: int
    reference: str
    provider: str
    message_id: str
    at: datetime


class Acceptances:
    def __init__(self, database: Database, ledger: str = AUTO) -> None:
        self.database = database
        self.ledger = Ledger.for_database(database.engine.url, ledger)
        self.group: GroupCommit[Acceptance] = GroupCommit(self._write)

    async def ready(self) -> None:
        """Open the connection before the first acceptance needs it: a first open (TCP,
        auth, the dialect's first queries) cost a killed worker's whole first batch
        50-200 ms of open window when it was left to the first write."""
        try:
            if self.ledger is not None:
                self.ledger.open()
            if self.database.is_postgresql:
                async with self.database.autocommit() as session:
                    await session.execute(text("SELECT 1"))
        except Exception as error:  # away: the first write opens it then
            log.warning("acceptances_not_ready", error_type=type(error).__name__)

    async def record(self, acceptance: Acceptance) -> None:
        """Returns once `acceptance` is durable; raises what the write raised (the caller
        tries again)."""
        if self.ledger is not None:  # no await before this: it is written as it comes
            try:
                self.ledger.record(Entry(acceptance.outbox_id, acceptance.reference,
                                         acceptance.provider, acceptance.message_id,
                                         acceptance.at))
            except sqlite3.Error as error:
                if not self.database.is_postgresql:
                    raise  # SQLite's only record
                log.warning("ledger_record_failed", error_type=type(error).__name__)
        if self.database.is_postgresql:
            await self.group.submit(acceptance)

    def recorded(self, items: list[Claimed]) -> list[Claimed]:
        """`items` (just claimed), those accepted already with their acceptance filled in
        (on PostgreSQL the claim read it from the row, the ledger has those it may lack)."""
        if self.ledger is None:
            return items
        try:
            found = self.ledger.recorded(
                (item.id, item.reference) for item in items if not item.accepted_by)
        except sqlite3.Error as error:
            if not self.database.is_postgresql:
                raise
            log.warning("ledger_read_failed", error_type=type(error).__name__)
            return items
        return [
            replace(item, accepted_by=found[key][0], provider_message_id=found[key][1])
            if (key := (item.id, item.reference)) in found else item
            for item in items
        ]

    def forget(self, items: Iterable[Claimed]) -> None:
        """Their bookkeeping is committed (the outbox rows are gone): so are their entries.
        Never raises: an entry left behind is only swept later (`prune`)."""
        if self.ledger is None:
            return
        try:
            self.ledger.forget((item.id, item.reference) for item in items)
        except Exception as error:
            log.warning("ledger_forget_failed", error_type=type(error).__name__)

    async def prune(self) -> int:
        """Drop the entries whose outbox row is gone (a worker killed between the
        bookkeeping and `forget`, or the letter erased); how many."""
        if self.ledger is None:
            return 0
        keys = self.ledger.keys()
        alive: set[tuple[int, str]] = set()
        for start in range(0, len(keys), PRUNE_CHUNK):
            ids = {i for i, _ in keys[start:start + PRUNE_CHUNK]}
            async with self.database.begin() as session:
                rows = await session.execute(
                    select(OutboxRow.id, OutboxRow.reference).where(OutboxRow.id.in_(ids))
                )
                alive |= {(i, r) for i, r in rows}
        gone = [key for key in keys if key not in alive]
        self.ledger.forget(gone)
        return len(gone)

    def close(self) -> None:
        if self.ledger is not None:
            self.ledger.close()

    async def _write(self, batch: list[Acceptance]) -> None:
        async with self.database.autocommit() as session:
            connection = await session.connection()
            await connection.execute(WRITE, [
                {"outbox_id": a.outbox_id, "provider": a.provider, "message_id": a.message_id,
                 "at": a.at} for a in batch
            ])
