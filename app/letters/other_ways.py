"""The ways to reach an embassy that do not need its e-mail address.

An embassy without an e-mail on file is the common case today, not an error: the person
gets every way that does exist, each said plainly.
"""

from app.directory.directory import Directory
from app.directory.merge import OFFICIAL_DATED_SOURCES
from app.directory.models import Embassy
from app.letters.schemas import OtherWay, Warning

# How a warning names a source a person cannot be expected to recognise by its address.
_SOURCE_NAMES = {s: "the Russian foreign ministry's own list of its missions"
                 for s in OFFICIAL_DATED_SOURCES}


def _ways(embassy: Embassy) -> str:
    """"print the letter and post it to … or use the contact details on …"."""
    ways = ["print the letter and post it"]
    if embassy.address:
        ways[0] = f"print the letter and post it to {embassy.address}"
    if embassy.website:
        ways.append(f"use the contact details on {embassy.website}")
    return " or ".join(ways)


def no_email_warning(embassy: Embassy) -> Warning:
    return Warning(
        code="no_email_on_file",
        message=f"We have no e-mail address on file for the {embassy.name}. "
        f"You can {_ways(embassy)}.",
    )


def dated_warning(embassy: Embassy, address: str, platform_sends: bool) -> Warning:
    """The address is old: which source, which year, that it may not work, the other ways."""
    when = embassy.email_dates.get(address, "")
    newest = [s for s in embassy.sources.emails.get(address, [])
              if embassy.source_dates.get(s) == when]
    source = _SOURCE_NAMES.get(newest[0], newest[0]) if newest else "its source"
    platform = "" if platform_sends else (
        " The platform does not send to an address this old off the ministry's domain "
        "(mid.ru): send it from your own e-mail if you like.")
    return Warning(
        code="email_dated",
        message=f"The e-mail address {address} of the {embassy.name} comes from {source}, "
        f"as of {when[:4]}: it may no longer work.{platform} You can also {_ways(embassy)}.",
    )


def bounced_warning(embassy: Embassy, addresses: list[str]) -> Warning:
    return Warning(
        code="email_bounced",
        message=f"Letters to {', '.join(addresses)} ({embassy.name}) came back: the mail "
        f"server said the address does not exist, so we no longer use it. You can "
        f"{_ways(embassy)}.",
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


def other_ways(directory: Directory, embassy: Embassy, reachable: bool = True) -> list[OtherWay]:
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
    if not reachable:  # no address on file, or only ones that bounced
        ways.extend(_missions_with_email(directory, embassy))
    return ways
