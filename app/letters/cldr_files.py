"""CLDR data shipped per language, `data/<kind>/<language>.json`, built from babel by
scripts/build_cldr.py: reading babel's whole locale instead costs ~4.8 MiB resident for
English alone, ~1.5 MiB each further language."""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app import paths

DATA = paths.DATA


@dataclass(frozen=True, slots=True)
class CldrFiles:
    folder: Path

    @classmethod
    def of(cls, kind: str) -> "CldrFiles":
        return cls(DATA / kind)

    def languages(self) -> frozenset[str]:
        return frozenset(path.stem for path in self.folder.glob("*.json"))

    def load(self, language: str) -> Any | None:
        """The language's file, or None without one. Only a plain name can be a file here:
        "../x" or "en/../ru" is never one."""
        shipped = self.folder / f"{language}.json"
        if language.replace("_", "").isalnum() and shipped.is_file():
            return json.loads(shipped.read_text(encoding="utf-8"))
        return None
