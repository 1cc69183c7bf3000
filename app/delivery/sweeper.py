"""Privacy by expiry: unconfirmed letters lose their data when their link expires, finished
letters are deleted after the retention period (their counters stay)."""

from datetime import datetime, timedelta

from app.db.database import Database
from app.letters import repository

BATCH = 500


async def sweep(database: Database, now: datetime, retention: timedelta) -> tuple[int, int]:
    """(letters expired, letters deleted) in this pass."""
    async with database.begin() as session:
        due = await repository.expire_due(session, now, BATCH)
        for row in due:
            await repository.erase(session, row, "expired", now)
    async with database.begin() as session:
        deleted = await repository.delete_retained(session, now - retention)
    return len(due), deleted
