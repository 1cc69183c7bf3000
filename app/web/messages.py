"""The widget's and pages' own words (not the letter's), one JSON file per language.

Pure: read once at start-up, checked so that a missing or misspelt translation stops the
service instead of showing a key to a person.
"""

import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from app.campaigns.language import best_match

FOLDER = Path(__file__).resolve().parent / "i18n"
BASE = "en"
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


class MessagesError(ValueError):
    """A translation file that cannot be served; the message names the file and the key."""


@dataclass(frozen=True, slots=True)
class Messages:
    """Every language's strings, keyed the same way as `en.json`."""

    texts: Mapping[str, Mapping[str, str]]

    @classmethod
    def load(cls, folder: Path = FOLDER) -> "Messages":
        texts = {path.stem: _read(path) for path in sorted(folder.glob("*.json"))}
        if BASE not in texts:
            raise MessagesError(f"{folder}: {BASE}.json is missing")
        for language, strings in texts.items():
            _check_against(texts[BASE], strings, f"{language}.json")
        return cls(MappingProxyType({k: MappingProxyType(v) for k, v in texts.items()}))

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(sorted(self.texts))

    def language_for(
        self,
        requested: str | None,
        accept_language: str | None,
        offered: Collection[str],
        default: str,
    ) -> str:
        """The asked-for language if offered, else the browser's best, else `default`."""
        usable = [lang for lang in offered if lang in self.texts]
        wanted = (requested or "").strip().lower()[:2]
        if wanted in usable:
            return wanted
        return best_match(accept_language, usable) or (default if default in usable else BASE)

    def strings(self, language: str) -> Mapping[str, str]:
        return self.texts.get(language, self.texts[BASE])


def _read(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise MessagesError(f"{path.name}: cannot be read as JSON: {error}") from error
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in data.items()
    ):
        raise MessagesError(f"{path.name}: must map keys to non-empty strings")
    return data


def _check_against(base: Mapping[str, str], strings: Mapping[str, str], label: str) -> None:
    # Templates write `t.key`, and Jinja looks up attributes first: `t.copy` would be the
    # mapping's method, printed to people instead of the word.
    shadowed = sorted(k for k in strings if hasattr(dict, k))
    if shadowed:
        raise MessagesError(f"{label}: keys {shadowed} are names of mapping methods")
    missing = sorted(set(base) - set(strings))
    extra = sorted(set(strings) - set(base))
    if missing or extra:
        raise MessagesError(f"{label}: missing {missing}, unknown {extra}")
    for key, text in strings.items():
        if set(_PLACEHOLDER.findall(text)) != set(_PLACEHOLDER.findall(base[key])):
            raise MessagesError(f"{label}: key {key!r}: placeholders differ from {BASE}.json")


def fill(template: str, **values: str) -> str:
    """`{name}` placeholders replaced; unknown ones stay as written (never an exception)."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)
