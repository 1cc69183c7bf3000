"""Reading the researched facts: the shared mission files and the project's research files.

Both become *drafts*: dicts in the shape of an `Embassy` (`country`, `sources.emails` keyed
by address) plus `also_accredited_to`, so the research can be merged field by field before
`build` decides status, coordinates and accreditations.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Draft = dict[str, Any]

REGION_FILES = ("europe.json", "americas.json", "asia.json", "africa-me.json", "gaps.json")


@dataclass(frozen=True, slots=True)
class Accreditation:
    country: str
    covered_by: str | None  # None: research found that no mission covers the country
    sources: tuple[str, ...]
    source_dates: tuple[tuple[str, str], ...] = ()
    note: str | None = None


@dataclass(slots=True)
class Research:
    """Partial records by id, accreditations, and what could not be used (to print)."""

    patches: list[Draft] = field(default_factory=list)
    accreditations: list[Accreditation] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


class InputError(ValueError):
    """A research or mission file that cannot be read: the build stops rather than ship
    a directory silently missing a correction (a rejected address would come back)."""


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: {exc}") from exc


def load_missions(missions_dir: Path) -> dict[str, Draft]:
    """The shared records by id, as drafts."""
    drafts: dict[str, Draft] = {}
    for name in REGION_FILES:
        for raw in read_json(missions_dir / name):
            if raw["id"] in drafts:
                raise InputError(f"{missions_dir / name}: duplicate id {raw['id']}")
            drafts[raw["id"]] = mission_to_draft(raw)
    return drafts


def load_accreditations(missions_dir: Path) -> list[Accreditation]:
    return [_accreditation(raw) for raw in read_json(missions_dir / "accreditations.json")]


def load_bounced(missions_dir: Path) -> set[str]:
    """Addresses a bounce report calls undeliverable: they never go in, for any mission."""
    found = read_json(missions_dir / "emails-found.json")
    return {str(e["email"]).lower() for e in found if e.get("bounced") is True}


def load_email_dates(missions_dir: Path) -> dict[str, str]:
    """Source → its date, from the e-mail evidence file (where the date is known)."""
    found = read_json(missions_dir / "emails-found.json")
    return {str(e["source"]): str(e["source_date"]) for e in found if e.get("source_date")}


def load_email_lists(missions_dir: Path) -> dict[str, list[dict[str, Any]]]:
    """The set-aside and unplaced addresses, for the build to report (never to use)."""
    lists = {}
    for name in ("emails-set-aside.json", "emails-unplaced.json"):
        path = missions_dir / name
        lists[name] = read_json(path) if path.exists() else []
    return lists


def mission_to_draft(raw: dict[str, Any]) -> Draft:
    """A shared mission record in the Embassy's shape (facts unchanged)."""
    draft = {k: v for k, v in raw.items() if k not in ("host_country", "email_sources")}
    draft["country"] = raw.get("host_country", raw.get("country"))
    sources: dict[str, Any] = {
        k: list(v) for k, v in raw.get("sources", {}).items() if k != "emails"
    }
    # The flat list of e-mail sources repeats `email_sources`; the per-address map is kept.
    sources["emails"] = {a: list(s) for a, s in raw.get("email_sources", {}).items()}
    draft["sources"] = sources
    return draft


def load_research(research_dir: Path) -> Research:
    """Every `*.json` in the folder, in name order (a later file wins a conflict)."""
    research = Research()
    if not research_dir.is_dir():
        return research
    for path in sorted(research_dir.glob("*.json")):
        entries = read_json(path)
        if not isinstance(entries, list):
            raise InputError(f"{path}: expected a JSON array of partial records")
        for n, entry in enumerate(entries):
            _add_entry(research, entry, f"{path.name}[{n}]")
    return research


def _add_entry(research: Research, entry: Any, where: str) -> None:
    if not isinstance(entry, dict):
        raise InputError(f"{where}: expected an object")
    if "accreditation" in entry:
        research.accreditations.append(_accreditation(entry["accreditation"], where))
    elif isinstance(entry.get("id"), str):
        patch = mission_to_draft(entry) if "email_sources" in entry else dict(entry)
        if "host_country" in entry:
            patch["country"] = entry["host_country"]
            patch.pop("host_country", None)
        if patch.get("country") is None:
            patch.pop("country", None)
        patch["_from"] = where
        research.patches.append(patch)
    else:
        raise InputError(f"{where}: neither an `id` nor an `accreditation`")


def _accreditation(raw: Any, where: str = "accreditations.json") -> Accreditation:
    try:
        covered_by = raw["covered_by"]
        return Accreditation(
            country=str(raw["country"]),
            covered_by=None if covered_by is None else str(covered_by),
            sources=tuple(raw.get("sources", [])),
            source_dates=tuple((str(k), str(v)) for k, v in raw.get("source_dates", {}).items()),
            note=raw.get("note"),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise InputError(f"{where}: accreditation needs `country` and `covered_by`") from exc
