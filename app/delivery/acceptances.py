"""Providers' acceptances written onto their outbox rows the moment they come.

This write is the duplicate window (README, "What a crash can do"): until it is durable, a
crash means the e-mail goes again. So it never waits for the main pool or a transaction:
it goes on the database's urgent path (`Database.autocommit`), and acceptances that come
while one write is on its way go together in the next (GroupCommit: one round trip for all).
"""

from dataclasses import dataclass
from datetime import datetime

import structlog
from sqlalchemy import bindparam, text, update

from app.db.database import Database
from app.db.models import OutboxRow
from app.delivery.group_commit import GroupCommit

log = structlog.get_logger(__name__)
OUTBOX = OutboxRow.metadata.tables[OutboxRow.__tablename__]
# Core, not ORM: a list of parameters makes it one executemany (one round trip on asyncpg).
WRITE = (
    update(OUTBOX)
    .where(OUTBOX.c.id == bindparam("outbox_id"))
    .values(accepted_at=bindparam("at"), accepted_by=bindparam("provider"),
            provider_message_id=bindparam("message_id"))
)


@dataclass(frozen=True, slots=True)
class Acceptance:
    outbox_id: int
    provider: str
    message_id: str
    at: datetime


class Acceptances:
    def __init__(self, database: Database) -> None:
        self.database = database
        self.group: GroupCommit[Acceptance] = GroupCommit(self._write)

    async def ready(self) -> None:
        """Open the urgent connection before the first acceptance needs it: a first open
        (TCP, auth, the dialect's first queries) cost a killed worker's whole first batch
        50-200 ms of open window when it was left to the first write."""
        if self.database.urgent is None:
            return
        try:
            async with self.database.autocommit() as session:
                await session.execute(text("SELECT 1"))
        except Exception as error:  # the database away: the first write opens it then
            log.warning("acceptances_not_ready", error_type=type(error).__name__)

    async def record(self, acceptance: Acceptance) -> None:
        """Returns once `acceptance` is durable; raises what the write raised (the caller
        tries again)."""
        await self.group.submit(acceptance)

    async def _write(self, batch: list[Acceptance]) -> None:
        async with self.database.autocommit() as session:
            connection = await session.connection()
            await connection.execute(WRITE, [
                {"outbox_id": a.outbox_id, "provider": a.provider, "message_id": a.message_id,
                 "at": a.at} for a in batch
            ])
