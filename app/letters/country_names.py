"""Country names in the letter's language (CLDR, through babel), for the templates."""

from functools import cache

from babel import Locale


@cache
def _territories(language: str) -> dict[str, str]:
    return dict(Locale.parse(language).territories)


def country_name(code: str | None, language: str) -> str | None:
    """`DE` in `fr` is `Allemagne`; an unknown code gives None rather than a guess."""
    if not code:
        return None
    return _territories(language).get(code.upper())
