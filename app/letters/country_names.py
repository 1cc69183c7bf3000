"""Country names in the letter's language (CLDR), for the templates.

Read from data/country_names/<language>.json (app/letters/cldr_files.py): asking babel
itself loads its whole locale for ~250 names. A language without a file falls back to babel.
"""

from functools import cache

from app.letters.cldr_files import CldrFiles

FILES = CldrFiles.of("country_names")
DATA_DIR = FILES.folder
shipped_languages = FILES.languages


@cache
def _territories(language: str) -> dict[str, str]:
    names: dict[str, str] | None = FILES.load(language)
    if names is not None:
        return names
    from babel import Locale  # only for a language without a file

    return dict(Locale.parse(language).territories)


def country_name(code: str | None, language: str) -> str | None:
    """`DE` in `fr` is `Allemagne`; an unknown code gives None rather than a guess."""
    if not code:
        return None
    return _territories(language).get(code.upper())
