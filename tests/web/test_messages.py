"""The widget's own words: every language says every thing, with the same placeholders."""

import json
from pathlib import Path

import pytest

from app.web.messages import FOLDER, Messages, MessagesError, fill

CAMPAIGN_LANGUAGES = ("de", "en", "es", "fr", "ru")


def write(folder: Path, language: str, strings: dict[str, str]) -> None:
    (folder / f"{language}.json").write_text(json.dumps(strings), encoding="utf-8")


def test_the_shipped_strings_cover_the_campaign_languages() -> None:
    messages = Messages.load()
    assert messages.languages == CAMPAIGN_LANGUAGES
    english = messages.strings("en")
    for language in CAMPAIGN_LANGUAGES:
        assert set(messages.strings(language)) == set(english)
    assert messages.strings("ru")["write"] != english["write"]


def test_a_missing_key_stops_the_start(tmp_path: Path) -> None:
    write(tmp_path, "en", {"a": "A", "b": "B"})
    write(tmp_path, "de", {"a": "A"})
    with pytest.raises(MessagesError, match=r"de\.json: missing \['b'\]"):
        Messages.load(tmp_path)


def test_a_placeholder_lost_in_translation_stops_the_start(tmp_path: Path) -> None:
    write(tmp_path, "en", {"hello": "Hello {name}"})
    write(tmp_path, "fr", {"hello": "Bonjour {nom}"})
    with pytest.raises(MessagesError, match="placeholders"):
        Messages.load(tmp_path)


def test_a_key_named_like_a_mapping_method_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "en", {"copy": "Copy"})
    with pytest.raises(MessagesError, match="mapping methods"):
        Messages.load(tmp_path)


def test_the_language_follows_the_request_then_the_browser_then_the_default() -> None:
    messages = Messages.load(FOLDER)
    offered = ("de", "en", "ru")
    assert messages.language_for("de", "ru", offered, "en") == "de"
    assert messages.language_for("de-CH", None, offered, "en") == "de"
    assert messages.language_for("it", "ru-RU,ru;q=0.9", offered, "en") == "ru"
    assert messages.language_for(None, "it", offered, "de") == "de"
    assert messages.language_for(None, None, ("fr",), "fr") == "fr"


def test_fill_replaces_known_placeholders_and_keeps_the_rest() -> None:
    assert fill("{count} letters to {city}", count="3") == "3 letters to {city}"
