"""Regenerate data/embassies.json from the researched facts.

    python -m app.directory.build [MISSIONS] [--research DIR] [--out FILE] [--date DAY]
    python -m app embassies build [--missions DIR]

Inputs: the shared mission records (`../shared/data/missions`), the project's research files
(`data/research/*.json`, merged over them field by field) and `data/relations.json`.
Nothing is invented: what no source gives stays null, and a record that cannot be placed on
the map (no coordinates, city unknown to the gazetteer) or has not opened yet is left out,
with the reason printed.
"""

import argparse
import json
import re
import sys
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from app import paths
from app.directory import inputs, schema
from app.directory.freshness import newest_date
from app.directory.inputs import Accreditation, Draft, InputError
from app.directory.merge import OFFICIAL_DATED_SOURCES, drop_emails, merge_research
from app.directory.models import Embassy, Sources
from app.directory.places import CityFinder, coords_source, find_city
from app.directory.relations import Relations
from app.directory.status import read_status
from app.directory.summary import build_summary

ROOT = paths.ROOT
DEFAULT_MISSIONS = ROOT.parent / "shared" / "data" / "missions"
DEFAULT_RESEARCH = ROOT / "data" / "research"
DEFAULT_OUT = ROOT / "data" / "embassies.json"

_ROLE_RANK = {role: n for n, role in enumerate(schema.EMAIL_ROLES)}
# Keys a draft may carry besides the Embassy's own fields (consumed while building).
_DRAFT_ONLY = frozenset({"also_accredited_to", "evidence", "rejected_emails",
                         "set_aside_emails", "_from"})
_SOURCE_DATE = re.compile(r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?")


@dataclass(frozen=True, slots=True)
class BuildResult:
    records: tuple[Embassy, ...]
    left_out: tuple[tuple[str, str], ...]  # (id, why)
    notices: tuple[str, ...]


@dataclass(slots=True)
class _Context:
    finder: CityFinder
    relations: Relations
    today: date
    accreditations: dict[str, list[Accreditation]] = field(default_factory=dict)
    bounced: set[str] = field(default_factory=set)
    source_dates: dict[str, str] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)


def build(
    missions_dir: Path, research_dir: Path, finder: CityFinder, relations: Relations,
    today: date,
) -> BuildResult:
    """Every record, sorted by id; what was left out and why; notices for a person to read."""
    drafts = inputs.load_missions(missions_dir)
    research = inputs.load_research(research_dir)
    notices = list(research.notices)
    for patch in research.patches:
        notices.extend(_unknown_keys(patch))
        drafts[patch["id"]] = merge_research(drafts.get(patch["id"]), patch)
    ctx = _Context(finder, relations, today)
    ctx.bounced = inputs.load_bounced(missions_dir)
    ctx.source_dates = inputs.load_email_dates(missions_dir)
    for acc in [*inputs.load_accreditations(missions_dir), *research.accreditations]:
        notices += _add_accreditation(ctx, acc, drafts)
    records: list[Embassy] = []
    left_out: list[tuple[str, str]] = []
    for record_id in sorted(drafts):
        outcome = _finish(drafts[record_id], ctx)
        if isinstance(outcome, str):
            left_out.append((record_id, outcome))
        else:
            records.append(outcome)
    notices += ctx.notices
    notices += _email_notices(inputs.load_email_lists(missions_dir), records)
    return BuildResult(tuple(records), tuple(left_out), tuple(notices))


def _email_notices(lists: dict[str, list[dict[str, Any]]], records: list[Embassy]) -> list[str]:
    """Addresses a researcher set aside that are served anyway (research re-added them, or
    another mission has them), and unplaced ones that still have no record: to re-read."""
    served = {a.lower(): r.id for r in records for a in r.emails}
    notices = []
    for entry in lists.get("emails-set-aside.json", []):
        address = str(entry.get("email", "")).lower()
        if address in served:
            notices.append(f"{address} is served by {served[address]} but was set aside for "
                           f"{entry.get('mission')}: {entry.get('why')}")
    for entry in lists.get("emails-unplaced.json", []):
        address = str(entry.get("email", "")).lower()
        if address not in served:
            notices.append(f"{address} ({entry.get('mission')}) is not used: no such record")
    return notices


def _add_accreditation(ctx: _Context, acc: Accreditation, drafts: dict[str, Draft]) -> list[str]:
    ctx.source_dates.update(acc.source_dates)
    if acc.covered_by is None:  # research: no mission covers it (Bhutan: no relations)
        return [f"accreditation of {acc.country}: no covering mission; record it in "
                f"data/relations.json if the policy should know "
                f"({textwrap.shorten(acc.note or 'no note', 100)})"]
    ctx.accreditations.setdefault(acc.covered_by, []).append(acc)
    if acc.covered_by not in drafts:
        return [f"accreditation of {acc.country} names unknown id {acc.covered_by}"]
    return []


def _finish(draft: Draft, ctx: _Context) -> Embassy | str:
    """The served record, or why it is left out."""
    status, status_date = _status(draft)
    if status == "planned":
        return "not open yet: " + _head(draft.get("status_note"))
    if draft.get("city") is None or draft.get("country") is None:
        return "no city or country given"
    place = _coordinates(draft, ctx)
    if place is None:
        return (f"no coordinates: '{draft['city']}' ({draft['country']}) is not in the "
                "gazetteer, so distance cannot rank it")
    record = _assemble(draft, ctx, status, status_date, place)
    try:
        return Embassy.model_validate(record)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()
        )
        return f"invalid record: {problems}"


def _status(draft: Draft) -> tuple[str, date | str | None]:
    """A research file's explicit status wins over what the note says."""
    explicit = draft.get("status")
    if explicit is not None:
        known = explicit in ("open", "suspended", "closed")
        return (explicit if known else "planned"), draft.get("status_date")
    reading = read_status(draft["id"], draft.get("status_note"))
    return reading.status, reading.date


def _coordinates(draft: Draft, ctx: _Context) -> dict[str, Any] | None:
    """The record's own point, else its city's point from the gazetteer."""
    if draft.get("lat") is not None and draft.get("lon") is not None:
        # Coordinates without a stated precision claim no more than the city.
        return {"lat": draft["lat"], "lon": draft["lon"],
                "coord_precision": draft.get("coord_precision") or "city", "source": None}
    city = find_city(ctx.finder, draft["id"], draft["city"], draft["country"],
                     ctx.relations.part_of)
    if city is None:
        return None
    return {"lat": round(city.lat, 6), "lon": round(city.lon, 6), "coord_precision": "city",
            "source": coords_source(city)}


def _assemble(
    draft: Draft, ctx: _Context, status: str, status_date: Any, place: dict[str, Any]
) -> dict[str, Any]:
    emails = _emails(draft, ctx.bounced)  # first: it drops bounced addresses' sources too
    sources = _sources(draft, ctx, place.get("source"))
    used_sources = {s for v in sources.values() for s in _flatten(v)}
    dates = _clean_dates({**OFFICIAL_DATED_SOURCES, **ctx.source_dates,
                          **(draft.get("source_dates") or {})})
    return {
        "id": draft["id"], "kind": draft.get("kind"), "name": draft.get("name"),
        "country": draft["country"], "city": draft["city"], "address": draft.get("address"),
        "lat": place["lat"], "lon": place["lon"], "coord_precision": place["coord_precision"],
        "emails": emails,
        "email_roles": {a: r for a, r in (draft.get("email_roles") or {}).items()
                        if a in emails},
        "email_dates": _email_dates(emails, sources["emails"], dates),
        "phones": list(draft.get("phones") or []), "website": draft.get("website"),
        "accredited_to": _accredited_to(draft, ctx),
        "status": status, "status_date": _day(draft["id"], "status_date", status_date, ctx),
        "status_note": draft.get("status_note"),
        "sources": sources,
        "source_dates": {s: d for s, d in sorted(dates.items()) if s in used_sources},
        "verified_at": _day(draft["id"], "verified_at", draft.get("verified_at"), ctx),
        "updated_at": ctx.today,
    }


def _day(record_id: str, name: str, value: Any, ctx: _Context) -> Any:
    """A whole day, or None: research may write "2025-12", which a `date` field cannot hold
    (the month stays in `source_dates`); one imprecise field must not drop the record."""
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        ctx.notices.append(f"{record_id}: {name} {value!r} is not a whole day; left null")
        return None


def _clean_dates(dates: dict[str, Any]) -> dict[str, str]:
    """Source dates as YYYY[-MM[-DD]]: "2015-03 (credentials presented ...)" keeps its
    date part; a value with none is dropped (the date is a convenience, not a fact we serve
    without its source)."""
    clean = {}
    for source, value in dates.items():
        match = _SOURCE_DATE.match(str(value))
        if match:
            clean[source] = match.group(0)
    return clean


def _email_dates(
    emails: list[str], sources: dict[str, list[str]], dates: dict[str, str]
) -> dict[str, str]:
    """Each address's newest dated source: a newer confirmation makes an old address recent."""
    newest = {a: newest_date(sources.get(a, []), dates) for a in emails}
    return {a: d for a, d in newest.items() if d is not None}


def _emails(draft: Draft, bounced: set[str]) -> list[str]:
    """Bounced addresses out; the rest general first, then consular, press, other."""
    drop_emails(draft, bounced)
    roles = draft.get("email_roles") or {}
    emails: list[str] = list(dict.fromkeys(draft.get("emails") or []))
    return sorted(emails, key=lambda a: _ROLE_RANK.get(roles.get(a, ""), len(_ROLE_RANK)))


def _accredited_to(draft: Draft, ctx: _Context) -> list[str]:
    """Host first, then the record's own list, then accreditations.json (no repeats)."""
    codes = [draft["country"], *(draft.get("also_accredited_to") or []),
             *(draft.get("accredited_to") or [])]
    codes += [acc.country for acc in ctx.accreditations.get(draft["id"], [])]
    return list(dict.fromkeys(codes))


def _sources(draft: Draft, ctx: _Context, coords_src: str | None) -> dict[str, Any]:
    raw = draft.get("sources") or {}
    sources: dict[str, Any] = {k: raw[k] for k in Sources.model_fields if k in raw}
    emails = set(draft.get("emails") or [])
    sources["emails"] = {a: s for a, s in (raw.get("emails") or {}).items() if a in emails}
    if coords_src is not None:
        sources["coords"] = [coords_src]
    extra = [s for acc in ctx.accreditations.get(draft["id"], []) for s in acc.sources]
    if extra:
        sources["accreditation"] = list(dict.fromkeys([*sources.get("accreditation", []),
                                                       *extra]))
    return sources


def _flatten(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in v]
    return list(value)


def _unknown_keys(patch: Draft) -> list[str]:
    known = set(Embassy.model_fields) | _DRAFT_ONLY
    unknown = sorted(set(patch) - known)
    if not unknown:
        return []
    return [f"{patch['_from']} ({patch['id']}): ignored unknown field(s) {', '.join(unknown)}"]


def _head(note: Any) -> str:
    text = str(note or "no note")
    return text.split(":")[0][:120]


def write(records: Sequence[Embassy], path: Path) -> None:
    """Stable output: sorted by id, one key order, UTF-8 as written, a final newline.

    A record whose facts are unchanged keeps the `updated_at` it was last written with, so
    a rebuild dates only what the research changed (and its diff shows only that)."""
    previous = _previous_rows(path)
    rows = [_keep_date(r.model_dump(mode="json"), previous.get(r.id))
            for r in sorted(records, key=lambda r: r.id)]
    path.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _previous_rows(path: Path) -> dict[str, dict[str, Any]]:
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {row["id"]: row for row in rows if isinstance(row, dict) and "id" in row}


def _keep_date(row: dict[str, Any], before: dict[str, Any] | None) -> dict[str, Any]:
    if before is None or "updated_at" not in before:
        return row
    # A field new to the format that is empty here (`email_dates: {}`) changes no fact.
    ignored = {"updated_at"} | {k for k, v in row.items() if k not in before and not v}
    same = ({k: v for k, v in row.items() if k not in ignored}
            == {k: v for k, v in before.items() if k != "updated_at"})
    return {**row, "updated_at": before["updated_at"]} if same else row


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    missions = args.missions_dir or args.missions
    from app.geo.gazetteer import Gazetteer  # loaded only when building: ~0.2 s

    try:
        relations = Relations.load(args.relations)
        result = build(missions, args.research, Gazetteer.load(), relations, args.date)
    except (InputError, ValueError) as exc:
        print(f"build failed: {exc}", file=sys.stderr)
        return 1
    write(result.records, args.out)
    schema.write(args.schema)
    print(build_summary(result.records, result.left_out, result.notices, args.out))
    return 0


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m app.directory.build", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("missions_dir", nargs="?", type=Path, default=None, metavar="MISSIONS",
                   help=f"folder of researched mission records (default {DEFAULT_MISSIONS})")
    p.add_argument("--missions", type=Path, default=DEFAULT_MISSIONS, help="the same, by name")
    p.add_argument("--research", type=Path, default=DEFAULT_RESEARCH)
    p.add_argument("--relations", type=Path, default=ROOT / "data" / "relations.json")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT)
    p.add_argument("--schema", type=Path, default=schema.DEFAULT_PATH)
    p.add_argument("--date", type=date.fromisoformat, default=date.today(),
                   help="the build date written as updated_at (default: today)")
    return p


if __name__ == "__main__":
    sys.exit(main())
