"""Build data/country_names/ and data/dates/ (<language>.json each): what the service needs
of CLDR, from the installed babel.

Run `python scripts/build_cldr.py` after upgrading babel (the suite fails until then).
Deterministic: the same babel gives byte-identical files.

Why a build step: a letter names two countries in its language and in Russian, its
confirmation e-mail and printed copy carry a date, a rate-limited page a delay; asking babel
loads its whole locale (dates, units, currencies...): ~4.8 MiB resident for English and its
root, ~1.5 MiB more for each further language. What the service uses is ~10 KB a language.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date, format_datetime, format_time, format_timedelta

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from build_gazetteer import LOCALES  # noqa: E402

from app.letters import country_names, dates  # noqa: E402

# Every month, both halves of the day and both ends of each: a pattern field the service's
# formatter gets wrong shows on one of them, and that language is left to babel.
CHECKED = [datetime(2026, month, day, hour, minute, second)
           for month in range(1, 13) for day, hour, minute, second in
           ((1, 0, 0, 0), (9, 11, 59, 9), (10, 12, 5, 30), (28, 23, 59, 59))]
# Delays: every count of every unit the plural forms cover, and the edges between units.
PLURALS = 100
DELAYS = sorted({count * per_unit + shift for _, per_unit in dates.UNITS
                 for count in range(1, PLURALS) for shift in (-1, 0, 1)} - {0})


def territories(language: str) -> dict[str, str]:
    return dict(Locale.parse(language).territories)


def date_data(language: str) -> dict[str, Any] | None:
    """The long patterns and the names they use; None if the formatter cannot match babel."""
    locale = Locale.parse(language)
    fields = locale._data["date_fields"]  # babel's own lookup in format_timedelta
    data = {
        "future": {unit: dict((fields.get(f"{unit}-long") or fields[unit])["future"])
                   for unit, _ in dates.UNITS},
        "plurals": [locale.plural_form(count) for count in range(PLURALS)],
        "date": locale.date_formats["long"].pattern,
        "time": locale.time_formats["long"].pattern,
        "datetime": locale.datetime_formats["long"],
        "months": [format_date(date(2000, m, 1), "MMMM", locale=locale) for m in range(1, 13)],
        "periods": [format_time(time(hour), "a", locale=locale) for hour in (0, 12)],
        "utc": format_datetime(datetime(2000, 1, 1, tzinfo=UTC), "z", locale=locale),
    }
    try:
        ours = [(dates.apply(data["date"], data, moment.date()),
                 dates.datetime_text(data, moment)) for moment in CHECKED]
    except ValueError:
        return None
    babels = [(format_date(moment.date(), "long", locale=locale),
               format_datetime(moment, "long", tzinfo=None, locale=locale))
              for moment in CHECKED]
    if ours != babels:
        return None
    for seconds in DELAYS:
        delay = dates.delay_text(data, seconds)
        if delay is not None and delay != format_timedelta(timedelta(seconds=seconds),
                                                           locale=locale, add_direction=True):
            return None
    return data


def render(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=0, sort_keys=True) + "\n"


def write(folder: Path, files: dict[str, dict[str, Any]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.json"):
        stale.unlink()
    for language, data in files.items():
        (folder / f"{language}.json").write_text(render(data), encoding="utf-8")


def main() -> int:
    write(country_names.DATA_DIR, {language: territories(language) for language in LOCALES})
    found = {language: date_data(language) for language in LOCALES}
    write(dates.DATA_DIR, {language: data for language, data in found.items() if data})
    left = sorted(language for language, data in found.items() if data is None)
    print(f"{len(LOCALES)} languages; dates left to babel: {', '.join(left) or 'none'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
