"""`python -m app embassies check [--overrides FILE]`: is the directory fit to ship?

Errors (exit 1): the JSON Schema; unique ids of the form `{country}-{city}-{kind}` that
match the record; ISO 3166-1 codes (plus the documented `XK`); e-mail syntax and a source
for every address; coordinates within `max_km` of the named city; at most one open
embassy-level mission per host country; accreditations that are unambiguous; every id that
`data/relations.json` names exists and is open.
The gap report: states with relations but no mission and no accreditation, embassies without
an e-mail, records placed only at their city, and the figures.
"""

import re
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from email_validator import EmailNotValidError, validate_email

from app.directory import countries
from app.directory.coverage import coverage
from app.directory.directory import DirectoryError, apply_overrides, read_json
from app.directory.freshness import Freshness
from app.directory.models import Embassy
from app.directory.places import CityFinder, all_matches
from app.directory.relations import DEFAULT_PATH as RELATIONS_PATH
from app.directory.relations import Relations
from app.directory.report import Gaps, Report
from app.directory.schema import schema_errors
from app.directory.summary import email_coverage, figures
from app.geo.distance import great_circle_km

MAX_KM_FROM_CITY = 50.0


def check(
    directory_file: Path, overrides_file: Path | None = None, *,
    relations_file: Path = RELATIONS_PATH, gazetteer: CityFinder | None = None,
    max_km: float = MAX_KM_FROM_CITY, freshness: Freshness | None = None,
) -> Report:
    """Validate the directory (with overrides merged, if given) and report its gaps;
    `freshness` says which addresses count as dated (default: 5 years before today)."""
    freshness = freshness or Freshness(date.today())
    report = Report(freshness=freshness)
    rows = _load_rows(directory_file, overrides_file, report)
    if rows is None:
        return report
    relations = _load_relations(relations_file, report)
    records = _parse(rows, report)
    finder = gazetteer if gazetteer is not None else _default_gazetteer()
    for rule in _RULES:
        rule(records, report)
    _check_coordinates(records, finder, relations, max_km, report)
    _check_relations(records, relations, report)
    report.gaps = _gaps(records, relations)
    report.figures = figures(records)
    report.coverage = coverage(records, relations)
    report.email_coverage = email_coverage(records, freshness)
    return report


def _load_rows(directory_file: Path, overrides: Path | None, report: Report) -> Any:
    try:
        rows = read_json(directory_file)
    except DirectoryError as exc:
        report.errors.append(str(exc))
        return None
    report.errors += schema_errors(rows)
    if not isinstance(rows, list):
        return None
    report.errors += _duplicate_ids(rows)
    if overrides is not None:
        try:
            rows = apply_overrides(rows, read_json(overrides), str(overrides))
        except DirectoryError as exc:
            report.errors.append(str(exc))
    return rows


def _load_relations(path: Path, report: Report) -> Relations:
    try:
        return Relations.load(path)
    except ValueError as exc:
        report.errors.append(str(exc))
        return Relations()


def _parse(rows: list[Any], report: Report) -> list[Embassy]:
    """Records that parse; the schema errors above already say what is wrong with others."""
    records = []
    for row in rows:
        try:
            records.append(Embassy.model_validate(row))
        except ValueError:
            continue
    return records


def _duplicate_ids(rows: list[Any]) -> list[str]:
    ids = Counter(row.get("id") for row in rows if isinstance(row, dict))
    return [f"record {i}: id used {n} times" for i, n in sorted(ids.items(), key=str) if n > 1]


def _check_ids(records: list[Embassy], report: Report) -> None:
    for r in records:
        form = rf"^{re.escape(r.country.lower())}-[a-z0-9]+(-[a-z0-9]+)*-{re.escape(r.kind)}$"
        if not re.match(form, r.id):
            report.errors.append(
                f"record {r.id}: id is not {{country}}-{{city}}-{{kind}} for country "
                f"{r.country} and kind {r.kind} (expected e.g. "
                f"{r.country.lower()}-{_slug(r.city)}-{r.kind})"
            )


def _check_codes(records: list[Embassy], report: Report) -> None:
    for r in records:
        if not countries.is_valid(r.country):
            report.errors.append(f"record {r.id} field country: {r.country!r} is not an "
                                 "ISO 3166-1 alpha-2 code")
        bad = [c for c in r.accredited_to if not countries.is_valid(c)]
        if bad:
            report.errors.append(f"record {r.id} field accredited_to: not ISO 3166-1 "
                                 f"alpha-2: {', '.join(bad)}")
        if r.accredited_to[:1] != [r.country]:
            report.errors.append(f"record {r.id} field accredited_to: must start with the "
                                 f"host country {r.country}")
        if len(set(r.accredited_to)) != len(r.accredited_to):
            report.errors.append(f"record {r.id} field accredited_to: repeats a country")


def _check_emails(records: list[Embassy], report: Report) -> None:
    for r in records:
        for address in r.emails:
            try:
                validate_email(address, check_deliverability=False)
            except EmailNotValidError as exc:
                report.errors.append(f"record {r.id} field emails: {address!r}: {exc}")
            if not r.sources.emails.get(address):
                report.errors.append(f"record {r.id} field sources.emails: no source for "
                                     f"{address}")
        for name, keyed in (("email_roles", r.email_roles), ("email_dates", r.email_dates)):
            stray = sorted(set(keyed) - set(r.emails))
            if stray:
                report.warnings.append(f"record {r.id}: {name} for addresses not in emails: "
                                       f"{', '.join(stray)}")


def _check_one_embassy(records: list[Embassy], report: Report) -> None:
    heads: dict[str, list[str]] = {}
    for r in records:
        if r.is_open and r.is_embassy_level:
            heads.setdefault(r.country, []).append(r.id)
    for country, ids in sorted(heads.items()):
        if len(ids) > 1:
            report.errors.append(f"country {country}: {len(ids)} open embassy-level records "
                                 f"({', '.join(ids)}); the policy needs one")


def _check_accreditations(records: list[Embassy], report: Report) -> None:
    covering: dict[str, list[str]] = {}
    resident = {r.country for r in records if r.is_open and r.is_embassy_level}
    for r in records:
        abroad = [c for c in r.accredited_to if c != r.country]
        if abroad and not (r.is_open and r.is_embassy_level):
            report.warnings.append(f"record {r.id}: accredited_to {', '.join(abroad)} is "
                                   f"ignored: the record is {r.status} {r.kind}")
            continue
        for country in abroad:
            covering.setdefault(country, []).append(r.id)
    for country, ids in sorted(covering.items()):
        if len(ids) > 1:
            report.errors.append(f"country {country}: accredited to {len(ids)} open embassies "
                                 f"({', '.join(ids)}); the policy needs one")
        if country in resident:
            report.warnings.append(f"country {country}: has its own open embassy and is also "
                                   f"listed as accredited to {', '.join(ids)}")


_RULES: Sequence[Callable[[list[Embassy], Report], None]] = (
    _check_ids, _check_codes, _check_emails, _check_one_embassy, _check_accreditations,
)


def _check_coordinates(
    records: list[Embassy], finder: CityFinder, relations: Relations, max_km: float,
    report: Report,
) -> None:
    for r in records:
        cities = all_matches(finder, r.id, r.city, r.country, relations.part_of)
        if not cities:
            report.warnings.append(f"record {r.id}: city {r.city!r} ({r.country}) is not in "
                                   "the gazetteer; coordinates not checked")
            continue
        km = min(great_circle_km(r.lat, r.lon, c.lat, c.lon) for c in cities)
        if km > max_km:
            report.errors.append(f"record {r.id} fields lat/lon: {km:.0f} km from {r.city} "
                                 f"({r.country}), more than {max_km:.0f} km")


def _check_relations(records: list[Embassy], relations: Relations, report: Report) -> None:
    by_id = {r.id: r for r in records}
    for where, mission_id in sorted(relations.mission_ids().items()):
        record = by_id.get(mission_id)
        if record is None:
            report.errors.append(f"relations {where}: unknown id {mission_id}")
        elif not where.startswith("no_relations") and not record.is_open:
            report.errors.append(f"relations {where}: {mission_id} is {record.status}")
    codes = [*relations.no_relations, *relations.stand_ins, *relations.served_by,
             *relations.part_of, *relations.part_of.values()]
    for code in sorted(set(codes)):
        if not countries.is_valid(code):
            report.errors.append(f"relations: {code!r} is not an ISO 3166-1 alpha-2 code")


def _gaps(records: list[Embassy], relations: Relations) -> Gaps:
    open_heads = [r for r in records if r.is_open and r.is_embassy_level]
    covered = {c for r in open_heads for c in r.accredited_to}
    open_ids = {r.id for r in records if r.is_open}
    covered |= {c for c, s in relations.stand_ins.items() if s.mission in open_ids}
    covered |= {c for c, s in relations.served_by.items() if s.mission in open_ids}
    exempt = covered | set(relations.no_relations) | {"RU"}
    return Gaps(
        uncovered_countries=sorted(countries.sovereign_states() - exempt),
        embassies_without_email=sorted(r.id for r in open_heads if not r.emails),
        city_level_coords=sorted(r.id for r in records if r.coord_precision == "city"),
    )


def _slug(city: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", city.lower()).strip("-") or "city"


@cache
def _default_gazetteer() -> CityFinder:
    from app.geo.gazetteer import Gazetteer

    return Gazetteer.load()
