"""The loaded directory: built once at start-up, read-only after, shared by every request.

`Directory.load(path, overrides)` reads the shipped `data/embassies.json`, merges an
overrides file over it (same schema, partial records) and indexes the result: records by id
and by host country, the open embassy-level mission *in* each country, the embassy
*accredited to* each country without one, and a k-nearest index for distance search.
"""

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import repeat
from pathlib import Path
from types import MappingProxyType
from typing import Any

from app.directory.merge import merge_override
from app.directory.models import Embassy
from app.directory.relations import Relations
from app.errors import NotFound
from app.geo.distance import great_circle_km
from app.geo.knearest import KNearest
from app.paths import DATA

DEFAULT_PATH = DATA / "embassies.json"


class DirectoryError(ValueError):
    """The directory or its overrides cannot be used: raised at start-up, never per request."""


# (record, great-circle km): a plain tuple, since every lookup builds a few and unpacks them.
Ranked = tuple[Embassy, float]


@dataclass(frozen=True, slots=True, eq=False)
class Directory:
    records: tuple[Embassy, ...]  # sorted by id
    by_id: Mapping[str, Embassy]
    by_country: Mapping[str, tuple[Embassy, ...]]  # host country → every record there
    resident: Mapping[str, Embassy]  # country → its open embassy (or stand-in)
    accredited: Mapping[str, Embassy]  # country → the open embassy accredited to it
    relations: Relations
    _open: "_Points"  # every open record
    _open_embassies: "_Points"  # the open embassy-level ones

    @classmethod
    def load(
        cls, path: Path = DEFAULT_PATH, overrides: Path | None = None,
        relations: Relations | None = None,
    ) -> "Directory":
        """The shipped file with `overrides` merged over it; a DirectoryError names the
        record and field of anything invalid."""
        rows = read_json(path)
        # The shipped file is checked against the JSON Schema when it is built and by the
        # suite; at start-up the model validates it. Any other file (LETTERS_DIRECTORY_PATH,
        # an overrides file) is held to the schema here too, which costs jsonschema's ~2 MiB
        # resident and 60 ms only where it is needed.
        if path.resolve() != DEFAULT_PATH:
            errors = schema_errors(rows)
            if errors:
                raise DirectoryError(f"{path}: " + "; ".join(errors[:10]))
        if overrides is not None:
            rows = apply_overrides(rows, read_json(overrides), str(overrides))
        return cls.from_records(_validate(rows, str(path)), relations or Relations.load())

    @classmethod
    def from_records(cls, records: Iterable[Embassy], relations: Relations) -> "Directory":
        rows = tuple(sorted(records, key=lambda r: r.id))
        by_id = {r.id: r for r in rows}
        if len(by_id) != len(rows):
            raise DirectoryError("duplicate record ids")
        open_rows = tuple(r for r in rows if r.is_open)
        return cls(
            records=rows,
            by_id=MappingProxyType(by_id),
            by_country=MappingProxyType(_group(rows)),
            resident=MappingProxyType(_resident(open_rows, relations, by_id)),
            accredited=MappingProxyType(_accredited(open_rows)),
            relations=relations,
            _open=_Points.of(open_rows),
            _open_embassies=_Points.of(r for r in open_rows if r.is_embassy_level),
        )

    def get(self, record_id: str) -> Embassy:
        """The record, or NotFound (a 404 for `GET /v1/embassies/{id}`)."""
        record = self.by_id.get(record_id)
        if record is None:
            raise NotFound(f"No embassy, consulate or other mission has the id {record_id!r}.")
        return record

    def find(self, record_id: str) -> Embassy | None:
        return self.by_id.get(record_id)

    def in_country(self, country: str) -> tuple[Embassy, ...]:
        """Every record whose host country is `country`, open or not, by id."""
        return self.by_country.get(country, ())

    def select(self, country: str | None = None, kind: str | None = None) -> list[Embassy]:
        """`GET /v1/embassies?country=&kind=`: records in a host country and of a kind."""
        rows = self.in_country(country) if country is not None else self.records
        return [r for r in rows if kind is None or r.kind == kind]

    def serving(self, country: str) -> tuple[Embassy, ...]:
        """Every record whose `accredited_to` names `country` (host country or not)."""
        return tuple(r for r in self.records if country in r.accredited_to)

    def nearest(
        self, lat: float, lon: float, limit: int, *, embassy_level: bool = False,
        first_country: str | None = None, exclude: Sequence[str] = (),
    ) -> list[Ranked]:
        """Open records by great-circle distance; `first_country`'s own records first."""
        points = self._open_embassies if embassy_level else self._open
        return points.rank(lat, lon, limit, first_country, exclude)


@dataclass(frozen=True, slots=True, eq=False)
class _Points:
    """Records ranked by distance, ties by id: rows are in id order, and the index breaks a
    tie on distance by row."""

    records: tuple[Embassy, ...]  # by id
    index: KNearest
    row_of: Mapping[str, int]  # id -> row
    in_country: Mapping[str, tuple[int, ...]]  # country -> its rows

    @classmethod
    def of(cls, records: Iterable[Embassy]) -> "_Points":
        rows = tuple(sorted(records, key=lambda r: r.id))
        groups: dict[str, list[int]] = {}
        for n, r in enumerate(rows):
            groups.setdefault(r.country, []).append(n)
        return cls(rows, KNearest.build([r.lat for r in rows], [r.lon for r in rows]),
                   MappingProxyType({r.id: n for n, r in enumerate(rows)}),
                   MappingProxyType({c: tuple(ns) for c, ns in groups.items()}))

    def rank(
        self, lat: float, lon: float, limit: int, first_country: str | None,
        exclude: Sequence[str],
    ) -> list[Ranked]:
        if limit <= 0 or not self.records:
            return []
        records = self.records
        # -1: not here, never a row. map(), not a generator: this runs on every lookup.
        skip = tuple(map(self.row_of.get, exclude, repeat(-1)))
        inside = self.in_country.get(first_country, ()) if first_country else ()
        if not inside:
            hits = self.index.nearest(lat, lon, limit, skip)
        else:  # the country's own records first: a few, each measured
            hits = sorted((great_circle_km(lat, lon, records[n].lat, records[n].lon), n)
                          for n in inside if n not in skip)[:limit]
            if len(hits) < limit:
                hits += self.index.nearest(lat, lon, limit - len(hits), skip + inside)
        return [(records[n], km) for km, n in hits]


def apply_overrides(rows: list[Any], patches: Any, where: str) -> list[Any]:
    """Shipped rows with each patch merged over its record (or added as a new one)."""
    errors = schema_errors(patches, "overrides")
    if errors:
        raise DirectoryError(f"invalid overrides {where}: " + "; ".join(errors))
    by_id = {row["id"]: row for row in rows}
    for patch in patches:
        base = by_id.get(patch["id"])
        merged = merge_override(base or {}, patch)
        if "updated_at" not in patch:
            merged["updated_at"] = date.today().isoformat()  # changed today, at start-up
        by_id[patch["id"]] = merged
        _check_one(merged, where, new=base is None)
    return list(by_id.values())


def _check_one(row: dict[str, Any], where: str, *, new: bool) -> None:
    errors = schema_errors([row])
    if errors:
        kind = "new record" if new else "record"
        detail = "; ".join(e.replace("record ", f"{kind} ", 1) for e in errors)
        raise DirectoryError(f"invalid overrides {where}: {detail}")


def schema_errors(document: Any, kind: str = "directory") -> list[str]:
    """app.directory.schema's messages, imported when a file is to be checked."""
    from app.directory.schema import schema_errors as errors_in

    return errors_in(document, kind)


def read_json(path: Path) -> Any:
    """A JSON file, or a DirectoryError saying why not."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DirectoryError(f"cannot read {path}: {exc}") from exc


def _validate(rows: list[Any], where: str) -> list[Embassy]:
    records = []
    for row in rows:
        try:
            records.append(Embassy.model_validate(row))
        except ValueError as exc:
            raise DirectoryError(f"{where}: record {row.get('id')}: {exc}") from exc
    return records


def _group(rows: Iterable[Embassy]) -> dict[str, tuple[Embassy, ...]]:
    groups: dict[str, list[Embassy]] = {}
    for r in rows:
        groups.setdefault(r.country, []).append(r)
    return {c: tuple(rs) for c, rs in groups.items()}


def _resident(
    open_rows: Iterable[Embassy], relations: Relations, by_id: Mapping[str, Embassy]
) -> dict[str, Embassy]:
    """Each country's open embassy-level mission; a stand-in (Palestine) where named."""
    resident: dict[str, Embassy] = {}
    for r in open_rows:
        if r.is_embassy_level:
            resident.setdefault(r.country, r)  # `check` reports a second one
    for country, stand_in in relations.stand_ins.items():
        mission = by_id.get(stand_in.mission)
        if country not in resident and mission is not None and mission.is_open:
            resident[country] = mission
    return resident


def _accredited(open_rows: Iterable[Embassy]) -> dict[str, Embassy]:
    """Country → the open embassy accredited to it from abroad (first by id on a tie)."""
    accredited: dict[str, Embassy] = {}
    for r in open_rows:
        if r.is_embassy_level:
            for country in r.accredited_to:
                if country != r.country:
                    accredited.setdefault(country, r)
    return accredited
