"""What the PDF link in a bounce or failure notice opens: the person's own stored letter,
printable, for as long as the letter keeps their data (erasure and the retention sweep end
the link)."""

from datetime import date

from app.db.database import Database
from app.directory.directory import Directory
from app.directory.models import Embassy
from app.errors import NotFound
from app.letters import repository
from app.letters.pdf import PrintableLetter
from app.letters.printable import printable_stored
from app.letters.tokens import token_hash

# One answer for an unknown letter, a wrong token and a letter whose data is gone, so the
# link tells nobody whether a letter exists.
UNKNOWN = "No letter with its data is known by this id and token."


async def stored_printable(
    database: Database, directory: Directory, letter_id: str, token: str, today: date
) -> tuple[PrintableLetter, Embassy]:
    """The printable letter and its embassy."""
    async with database.begin() as session:
        row = await repository.by_pdf_token(session, letter_id, token_hash(token))
    embassy = directory.find(row.embassy_id) if row is not None else None
    if row is None or embassy is None:
        raise NotFound(UNKNOWN)
    return printable_stored(repository.stored(row), embassy, today), embassy
