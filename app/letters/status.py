"""What `GET {status_url}` answers: the letter's status, its events and its embassy."""

from datetime import datetime

from app.db.database import Database
from app.directory.directory import Directory
from app.errors import NotFound
from app.letters import repository
from app.letters.send_schemas import LetterEvent, LetterState


async def read(
    database: Database, directory: Directory, letter_id: str, now: datetime
) -> LetterState:
    async with database.begin() as session:
        row = await repository.get(session, letter_id)
        if row is None:
            raise NotFound(f"No letter has the id {letter_id[:40]!r}.")
        events = await repository.events(session, letter_id)
    held = row.not_before if row.status == "queued" and row.not_before else None
    return LetterState(
        id=row.id,
        status=row.status,
        events=[LetterEvent(status=s, at=at) for s, at in events],
        embassy=directory.find(row.embassy_id),
        not_before=held if held and held > now else None,
        reason=row.reason,
        expires_at=row.expires_at if row.status == "awaiting_confirmation" else None,
    )
