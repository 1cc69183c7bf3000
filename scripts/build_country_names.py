"""Build data/country_names/<language>.json: CLDR's territory names, from the installed babel.

Run `python scripts/build_country_names.py` after upgrading babel (the suite fails until
then). Deterministic: the same babel gives byte-identical files.

Why a build step: a letter names two countries in its language and in Russian, and asking
babel loads the whole CLDR locale (dates, units, currencies...): ~4.8 MiB resident for
English and its root, ~1.5 MiB more for each further language. The names alone are ~10 KB
a language.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel import Locale

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.letters.country_names import DATA_DIR  # noqa: E402

# The languages the gazetteer reads country names in (scripts/build_gazetteer.py): a campaign
# in any of them names countries without babel; any other language falls back to babel.
sys.path.insert(0, str(ROOT / "scripts"))
from build_gazetteer import LOCALES  # noqa: E402


def territories(language: str) -> dict[str, str]:
    return dict(Locale.parse(language).territories)


def render(names: dict[str, str]) -> str:
    return json.dumps(dict(sorted(names.items())), ensure_ascii=False, indent=0) + "\n"


def main() -> int:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    for stale in DATA_DIR.glob("*.json"):
        stale.unlink()
    for language in LOCALES:
        (DATA_DIR / f"{language}.json").write_text(render(territories(language)),
                                                   encoding="utf-8")
    print(f"{len(LOCALES)} languages -> {DATA_DIR.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
