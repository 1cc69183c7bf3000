"""Reading a mission's status out of the researchers' `status_note`.

The researchers write status keywords in capitals at the start of a note ("CLOSED by
31 Dec 2023: ...", "PLANNED, NOT YET OPEN as of Jan 2026", "Presence in Sanaa SUSPENDED
since 2017-12-12"). Lower-case mentions ("consular section temporarily suspended reception")
describe a part of a mission that stays open, and a letter still reaches it, so they do not
change the status. The rules, in order:

1. a note that starts with CLOSED (also "CLOSED/SUSPENDED") or CLOSURE ORDERED → closed.
   A closure the host state has ordered is treated as done: a letter to a post being shut
   would go nowhere, and a person at risk should not be sent there.
2. a note that says PLANNED (or is listed in `_PLANNED`) → not open yet: left out of the
   directory, with the reason printed, until a source says it opened.
3. a note that starts with OPEN/Open → open (its SUSPENDED part is a section, not the mission).
4. SUSPENDED in capitals anywhere → suspended (the mission's presence or work is suspended).
5. anything else → open.

`status_date` is taken only from the clause that carries the keyword, and only when it
names a whole day ("by 31 Dec 2023", "on 2026-03-15"); "CLOSED Feb 2022" has none.
"""

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

Reading = Literal["open", "suspended", "closed", "planned"]

# Notes that say "not open yet" without the capital keyword.
_PLANNED: dict[str, str] = {
    "eg-sharm-el-sheikh-consulate_general": "Opening ordered in May 2025; MFA said it would "
    "'soon' open (2025-08-30). Operational status not confirmed.",
}

# Days a note states outside the keyword's clause, read by a person.
_DATES: dict[str, date] = {
    # "CLOSED - NO DIPLOMATIC RELATIONS: Ukraine severed diplomatic relations with Russia on
    # 24 Feb 2022 ..." (the embassy was evacuated the day before).
    "ua-kyiv-embassy": date(2022, 2, 24),
}

_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
    start=1,
)}
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2}) ([A-Z][a-z]{2})[a-z]*\.? (\d{4})\b")
_KEYWORD = re.compile(r"CLOSED|CLOSURE ORDERED|SUSPENDED|PLANNED|OPENED|OPEN")


@dataclass(frozen=True, slots=True)
class StatusReading:
    status: Reading
    date: date | None


def read_status(record_id: str, note: str | None) -> StatusReading:
    """The status a note states, and the day it changed where the note gives one."""
    text = (note or "").strip()
    status = _classify(record_id, text)
    if status in ("open", "planned"):
        return StatusReading(status, None)
    return StatusReading(status, _DATES.get(record_id) or _status_date(text))


def _classify(record_id: str, text: str) -> Reading:
    if text.startswith(("CLOSED", "CLOSURE ORDERED")):
        return "closed"
    if record_id in _PLANNED or "PLANNED" in text:
        return "planned"
    if text.startswith(("OPEN ", "OPEN:", "Open ", "Open,", "OPENED")):
        return "open"
    if "SUSPENDED" in text:
        return "suspended"
    return "open"


def _status_date(text: str) -> date | None:
    """The first whole date in the clause that holds the status keyword."""
    match = _KEYWORD.search(text)
    if match is None:
        return None
    # The clause ends at the first ':' ';' or '(' after the keyword: later clauses tell
    # other dates (an announcement, an earlier expulsion).
    clause = re.split(r"[:;(]", text[match.start():], maxsplit=1)[0]
    return _first_date(clause)


def _first_date(text: str) -> date | None:
    """The earliest-written whole date, ISO ("2017-12-12") or spelt ("31 Dec 2023")."""
    found: list[tuple[int, date | None]] = []
    if (iso := _ISO_DATE.search(text)) is not None:
        found.append((iso.start(), _safe_date(*map(int, iso.groups()))))
    if (dmy := _DAY_MONTH_YEAR.search(text)) is not None:
        month = _MONTHS.get(dmy.group(2).lower())
        if month is not None:
            found.append((dmy.start(), _safe_date(int(dmy.group(3)), month, int(dmy.group(1)))))
    valid = sorted((pos, day) for pos, day in found if day is not None)
    return valid[0][1] if valid else None


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
