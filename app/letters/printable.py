"""From a composed letter to the printable one: the postal block and the return line."""

from datetime import date

from app.directory.models import Embassy
from app.letters.country_names import country_name
from app.letters.pdf import Paper, PrintableLetter
from app.letters.schemas import ComposeRequest, ComposeResponse
from app.letters.stored import StoredLetter

# Countries that print on US Letter; the rest of the world uses A4.
LETTER_PAPER = frozenset(
    {"US", "CA", "MX", "PH", "CL", "CO", "VE", "GT", "CR", "PA", "DO", "SV", "NI", "HN", "PR"}
)


def paper_for(country: str | None) -> Paper:
    return "letter" if country and country.upper() in LETTER_PAPER else "a4"


def postal_lines(embassy: Embassy, language: str) -> list[str]:
    """The window-envelope block: the mission's name, then its address as the source gives it."""
    if embassy.address:
        return [embassy.name, *(part.strip() for part in embassy.address.split(","))]
    # No street address on file: name, city and country still reach a capital's post office.
    return [embassy.name, embassy.city, country_name(embassy.country, language) or embassy.country]


def printable(req: ComposeRequest, composed: ComposeResponse, today: date) -> PrintableLetter:
    # Initials mean the person must stay unrecognisable: no return line at all.
    return_line = None
    if req.signature == "full":
        return_line = " · ".join(p for p in (req.sender.name, req.sender.city) if p)
    return PrintableLetter(
        recipient=postal_lines(composed.embassy, composed.language),
        return_line=return_line,
        subject=composed.subject,
        body=composed.body,
        language=composed.language,
        dated=today,
    )


def printable_stored(letter: StoredLetter, embassy: Embassy, today: date) -> PrintableLetter:
    """A letter the platform could not deliver, to post instead. No return line: the row
    keeps neither the person's city nor whether they signed with initials, and a name
    printed where the person chose initials could put them at risk."""
    return PrintableLetter(
        recipient=postal_lines(embassy, letter.language),
        return_line=None,
        subject=letter.subject or "",
        body=letter.body or "",
        language=letter.language,
        dated=today,
    )
