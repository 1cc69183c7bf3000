"""The ways to reach an embassy that do not need its e-mail address.

An embassy without an e-mail on file is the common case today, not an error: the person
gets every way that does exist, each said plainly.
"""

from app.directory.directory import Directory
from app.directory.models import Embassy
from app.letters.schemas import OtherWay, Warning


def no_email_warning(embassy: Embassy) -> Warning:
    ways = ["print the letter and post it"]
    if embassy.address:
        ways[0] = f"print the letter and post it to {embassy.address}"
    if embassy.website:
        ways.append(f"use the contact details on {embassy.website}")
    return Warning(
        code="no_email_on_file",
        message=f"We have no e-mail address on file for the {embassy.name}. "
        f"You can {' or '.join(ways)}.",
    )


def _missions_with_email(directory: Directory, embassy: Embassy) -> list[OtherWay]:
    return [
        OtherWay(
            kind="mission_email",
            embassy_id=other.id,
            emails=other.emails[:1],
            name=other.name,
            city=other.city,
            message=f"Write to the {other.name} in {other.city}: it can forward the letter "
            "to the embassy.",
        )
        for other in directory.in_country(embassy.country)
        if other.id != embassy.id and other.is_open and other.emails
    ]


def other_ways(directory: Directory, embassy: Embassy) -> list[OtherWay]:
    """Post (with the printable letter), the website, and sister missions with an e-mail."""
    ways = [
        OtherWay(
            kind="pdf",
            message="Print the letter (POST /v1/letters/pdf) and post it.",
            address=embassy.address,
        )
    ]
    if embassy.address:
        ways.append(
            OtherWay(kind="post", message="The embassy's postal address.", address=embassy.address)
        )
    if embassy.website:
        ways.append(
            OtherWay(kind="website", message="The embassy's own website.", url=embassy.website)
        )
    if not embassy.emails:
        ways.extend(_missions_with_email(directory, embassy))
    return ways
