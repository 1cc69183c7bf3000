"""Reading a status from the researchers' notes."""

from datetime import date

import pytest

from app.directory.status import read_status


@pytest.mark.parametrize(("note", "status", "day"), [
    ("CLOSED by 31 Dec 2023: Germany withdrew consent ...", "closed", date(2023, 12, 31)),
    ("CLOSED 1 Oct 2023: Finland's President ...", "closed", date(2023, 10, 1)),
    ("CLOSED 2017-09-02: US State Department ordered closure", "closed", date(2017, 9, 2)),
    # the only whole date belongs to the announcement, not the closure
    ("CLOSED Feb 2022: PM Petr Fiala announced on 24 Feb 2022 the closure", "closed", None),
    ("CLOSED/SUSPENDED since July 2022 per ...", "closed", None),
    ("CLOSURE ORDERED: Romanian President said Romania will close ...", "closed", None),
    ("PLANNED, NOT YET OPEN as of Jan 2026: established ...", "planned", None),
    ("ORDERED/PLANNED: PM Mishustin signed order ...", "planned", None),
    ("Presence in Sanaa SUSPENDED since 2017-12-12; ambassador ...", "suspended",
     date(2017, 12, 12)),
    ("Building damaged 2026-03-08; consulate TEMPORARILY SUSPENDED work on 2026-03-15 (rg.ru)",
     "suspended", date(2026, 3, 15)),
    # a suspended section of an open mission: a letter still reaches the mission
    ("OPEN but consular reception SUSPENDED since Oct 2024", "open", None),
    ("Open, but its CONSULAR SECTION was SUSPENDED indefinitely", "open", None),
    ("Consular section temporarily suspended reception during regional escalation", "open",
     None),
    ("OPENED 11 June 2024 as a branch office", "open", None),
    ("Active (embassy statement 2023).", "open", None),
    (None, "open", None),
])
def test_notes(note: str | None, status: str, day: date | None) -> None:
    reading = read_status("xx-test-embassy", note)
    assert (reading.status, reading.date) == (status, day)


def test_notes_a_person_read() -> None:
    assert read_status("ua-kyiv-embassy", "CLOSED - NO DIPLOMATIC RELATIONS: ...").date == (
        date(2022, 2, 24))
    assert read_status("eg-sharm-el-sheikh-consulate_general",
                       "Opening ordered by Russian government in May 2025").status == "planned"
