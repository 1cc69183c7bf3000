"""Country names in the letter's language: the shipped CLDR files, babel for the rest."""

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from babel import Locale

from app.letters.country_names import DATA_DIR, country_name, shipped_languages

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("language", sorted(shipped_languages()))
def test_a_shipped_file_holds_what_babel_gives(language: str) -> None:
    # Fails after a babel upgrade until `python scripts/build_cldr.py` is run.
    shipped = json.loads((DATA_DIR / f"{language}.json").read_text(encoding="utf-8"))
    assert shipped == dict(Locale.parse(language).territories)


def test_every_shipped_campaign_language_and_russian_has_a_file() -> None:
    campaigns = ROOT / "templates" / "letters"
    languages = {path.stem for path in campaigns.glob("*/*.toml") if path.stem != "campaign"}
    defaults = {tomllib.loads(path.read_text())["default_language"]
                for path in campaigns.glob("*/campaign.toml")}
    assert languages and defaults <= languages
    assert languages | {"ru"} <= shipped_languages()


def test_names_in_the_letters_language() -> None:
    assert country_name("DE", "fr") == "Allemagne"
    assert country_name("de", "ru") == "Германия"
    assert country_name("AT", "en") == "Austria"


def test_no_code_or_an_unknown_code_gives_none() -> None:
    assert country_name(None, "en") is None
    assert country_name("", "en") is None
    assert country_name("XZ", "en") is None


def test_a_language_without_a_file_is_named_by_babel() -> None:
    assert "cy" not in shipped_languages()
    assert country_name("DE", "cy") == Locale.parse("cy").territories["DE"]


def test_a_shipped_language_does_not_load_babel() -> None:
    # In a fresh interpreter: babel's locale data is ~4.8 MiB resident for English alone.
    probe = ("import sys\nfrom app.letters.country_names import country_name\n"
             "country_name('DE', 'en'), country_name('DE', 'ru')\n"
             "print('babel' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    assert out.strip() == "False"
