"""data/relations.json: the countries the mission records alone cannot answer for.

No relations (Ukraine), a mission that stands in for an embassy (Palestine), a place Russia
does not recognise or has no relations with and the embassy that serves it (Kosovo: Belgrade;
Bhutan: New Delhi), and territories served by their sovereign's missions (Hong Kong, Åland).
The policy reads it; `check` validates its ids.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

from app.paths import DATA

DEFAULT_PATH = DATA / "relations.json"


@dataclass(frozen=True, slots=True)
class NoRelations:
    since: date | None
    note: str
    record: str | None
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Served:
    """A mission that answers for a country: a stand-in or the embassy serving a territory."""

    mission: str
    note: str
    reason: str | None
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Relations:
    no_relations: Mapping[str, NoRelations] = field(default_factory=dict)
    stand_ins: Mapping[str, Served] = field(default_factory=dict)
    served_by: Mapping[str, Served] = field(default_factory=dict)
    part_of: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path = DEFAULT_PATH) -> "Relations":
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            return cls.from_json(raw)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}: not a valid relations file: {exc}") from exc

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> "Relations":
        # Read-only views: the policy shares one Relations across requests.
        return cls(
            no_relations=MappingProxyType(
                {c: _no_relations(v) for c, v in raw.get("no_relations", {}).items()}
            ),
            stand_ins=MappingProxyType(
                {c: _served(v) for c, v in raw.get("stand_ins", {}).items()}
            ),
            served_by=MappingProxyType(
                {c: _served(v) for c, v in raw.get("served_by", {}).items()}
            ),
            part_of=MappingProxyType({str(k): str(v) for k, v in raw.get("part_of", {}).items()}),
        )

    def home(self, country: str | None) -> str | None:
        """The country whose missions serve a person in `country` (Åland → Finland)."""
        if country is None:
            return None
        return self.part_of.get(country, country)

    def mission_ids(self) -> dict[str, str]:
        """Every mission id named here, with where it is named (for `check`)."""
        named = {f"stand_ins.{c}": s.mission for c, s in self.stand_ins.items()}
        named |= {f"served_by.{c}": s.mission for c, s in self.served_by.items()}
        named |= {
            f"no_relations.{c}.record": n.record
            for c, n in self.no_relations.items() if n.record
        }
        return named


def _no_relations(raw: dict[str, Any]) -> NoRelations:
    since = raw.get("since")
    return NoRelations(
        since=date.fromisoformat(since) if since else None,
        note=str(raw["note"]),
        record=raw.get("record"),
        sources=tuple(raw.get("sources", [])),
    )


def _served(raw: dict[str, Any]) -> Served:
    return Served(
        mission=str(raw["mission"]),
        note=str(raw["note"]),
        reason=raw.get("reason"),
        sources=tuple(raw.get("sources", [])),
    )
