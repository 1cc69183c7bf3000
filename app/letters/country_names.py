"""Country names in the letter's language (CLDR), for the templates.

Read from data/country_names/<language>.json, built from babel by
scripts/build_cldr.py: asking babel itself loads its whole locale (~4.8 MiB for
English, ~1.5 MiB each further language) for ~250 names. A language without a file falls
back to babel.
"""

import json
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "country_names"


def shipped_languages() -> frozenset[str]:
    return frozenset(path.stem for path in DATA_DIR.glob("*.json"))


@cache
def _territories(language: str) -> dict[str, str]:
    # Only a plain name can be a file here: "../x" or "en/../ru" is never one.
    shipped = DATA_DIR / f"{language}.json"
    if language.replace("_", "").isalnum() and shipped.is_file():
        names: dict[str, str] = json.loads(shipped.read_text(encoding="utf-8"))
        return names
    from babel import Locale  # only for a language without a file

    return dict(Locale.parse(language).territories)


def country_name(code: str | None, language: str) -> str | None:
    """`DE` in `fr` is `Allemagne`; an unknown code gives None rather than a guess."""
    if not code:
        return None
    return _territories(language).get(code.upper())
