"""The letter figures /metrics reads from the database at each scrape."""

from datetime import UTC, datetime

from app.db.database import Database
from app.letters import repository
from app.metrics import LetterSnapshot


async def letter_snapshot(database: Database) -> LetterSnapshot:
    """Letters by status, outbox depth and the wait of the oldest due entry, read now."""
    async with database.begin() as session:
        by_status = await repository.letters_by_status(session)
        depth, waited = await repository.outbox_depth(session, datetime.now(UTC))
    return LetterSnapshot(by_status, depth, waited)
