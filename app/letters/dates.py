"""Dates in the letter's language, in CLDR's long formats: the confirmation e-mail's expiry
and the printed letter's dateline; and the web page's "try again in 2 minutes".

Read from data/dates/<language>.json (patterns, month names, AM/PM, UTC's short name, the
"in {0} minutes" patterns with the plural form of each count), built
from babel by scripts/build_cldr.py: babel formats from its whole locale, ~4.8 MiB resident
for English alone. A language without a file, and a time in a zone other than UTC, are
formatted by babel itself.
"""

import re
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

from app.letters.cldr_files import CldrFiles

FILES = CldrFiles.of("dates")
DATA_DIR = FILES.folder
shipped_languages = FILES.languages
# babel's units for a delay, largest first: the first the delay is THRESHOLD of names it.
UNITS = (("year", 31_536_000), ("month", 2_592_000), ("week", 604_800), ("day", 86_400),
         ("hour", 3_600), ("minute", 60), ("second", 1))
THRESHOLD = 0.85
# A pattern is fields (runs of one letter), quoted text ('de', '' for a quote) and other text.
_TOKEN = re.compile(r"'([^']*)'|([A-Za-z])\2*|[^A-Za-z']+")


def long_date(day: date, language: str) -> str:
    """`March 5, 2026` in `en`, `5 марта 2026 г.` in `ru` (babel's format_date, "long")."""
    data = _data(language)
    if data is None:
        from babel.dates import format_date

        text: str = format_date(day, format="long", locale=language)
        return text
    return apply(data["date"], data, day)


def long_datetime(moment: datetime, language: str) -> str:
    """`March 5, 2026, 3:07:09 PM UTC` in `en` (babel's format_datetime, "long"); a naive
    time is UTC, as babel takes it."""
    data = _data(language)
    if data is None or moment.tzinfo not in (None, UTC):
        from babel.dates import format_datetime

        text: str = format_datetime(moment, "long", tzinfo=None, locale=language)
        return text
    return datetime_text(data, moment)


def time_until(seconds: int, language: str) -> str:
    """`in 2 minutes` in `en`, `через 2 минуты` in `ru`: babel's format_timedelta of a delay
    to come (add_direction), seconds >= 1. babel loads its locale only for a count the file
    has no plural form for (a hundred years) or a language without a file."""
    data = _data(language)
    text = delay_text(data, seconds) if data is not None and seconds >= 1 else None
    if text is None:
        from babel.dates import format_timedelta

        text = format_timedelta(timedelta(seconds=seconds), locale=language, add_direction=True)
    return str(text)


def delay_text(data: dict[str, Any], seconds: int) -> str | None:
    """The delay in `data`'s language; None for a count it has no plural form for."""
    unit, count = unit_count(seconds)
    if count >= len(data["plurals"]):
        return None
    patterns: dict[str, str] = data["future"][unit]
    pattern = patterns.get(data["plurals"][count]) or patterns["other"]
    return pattern.replace("{0}", str(count))


def unit_count(seconds: int) -> tuple[str, int]:
    """The unit babel names a delay in and the count of it (rounded as babel rounds)."""
    for unit, per_unit in UNITS:
        value = seconds / per_unit
        if value >= THRESHOLD or unit == "second":
            return unit, round(max(1.0, value) if unit == "second" else value)
    raise AssertionError("the last unit always answers")


def datetime_text(data: dict[str, Any], moment: datetime) -> str:
    """babel's own assembly: the combining pattern's quotes dropped, then time and date in."""
    combining: str = data["datetime"]
    return (combining.replace("'", "")
            .replace("{0}", apply(data["time"], data, moment))
            .replace("{1}", apply(data["date"], data, moment)))


def apply(pattern: str, data: dict[str, Any], moment: date) -> str:
    """`pattern` (CLDR) for `moment`: a `date` has only the date fields. ValueError for a
    field this does not format (the build leaves such a language to babel)."""
    out: list[str] = []
    for token in _TOKEN.finditer(pattern.replace("''", "\0")):
        quoted, field = token.group(1), token.group(2)
        if quoted is not None:
            out.append(quoted)
        elif field is not None:
            out.append(_field(field, len(token.group(0)), data, moment))
        else:
            out.append(token.group(0))
    return "".join(out).replace("\0", "'")


def _field(char: str, count: int, data: dict[str, Any], moment: date) -> str:
    if char == "y":
        return str(moment.year % 100).zfill(2) if count == 2 else str(moment.year).zfill(count)
    if char == "M" and count == 4:
        return str(data["months"][moment.month - 1])
    if char in "Md" and count <= 2:
        return str(moment.month if char == "M" else moment.day).zfill(count)
    if isinstance(moment, datetime):
        if char in "hHms" and count <= 2:
            value = {"h": moment.hour % 12 or 12, "H": moment.hour, "m": moment.minute,
                     "s": moment.second}[char]
            return str(value).zfill(count)
        if char == "a" and count <= 3:
            return str(data["periods"][moment.hour >= 12])
        if char == "z" and count <= 3:
            return str(data["utc"])
    raise ValueError(f"pattern field {char * count!r}")


@cache
def _data(language: str) -> dict[str, Any] | None:
    data: dict[str, Any] | None = FILES.load(language)
    return data
