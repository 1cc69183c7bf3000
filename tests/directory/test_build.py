"""Building data/embassies.json: rules on a small fixture, invariants on the real data."""

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from app.directory import build as build_module
from app.directory.build import build, write
from app.directory.inputs import InputError
from app.directory.relations import Relations
from app.directory.schema import directory_schema, schema_errors
from app.geo.gazetteer import Gazetteer

from .factory import MISSIONS, RELATIONS, SHIPPED, write_json

DAY = date(2026, 11, 25)


@dataclass(frozen=True)
class FakeCity:
    name: str
    country: str
    lat: float
    lon: float


_CITIES = {("Vienna", "AT"): FakeCity("Vienna", "AT", 48.21, 16.37),
           ("Salzburg", "AT"): FakeCity("Salzburg", "AT", 47.80, 13.04),
           ("Vaduz", "LI"): FakeCity("Vaduz", "LI", 47.14, 9.52)}


class FakeGazetteer:
    def find_city(self, name: str, country: str | None = None) -> FakeCity | None:
        return _CITIES.get((name, country or ""))


def mission(id: str, city: str, note: str = "Active.", **fields: Any) -> dict[str, Any]:
    country, kind = id[:2].upper(), id.split("-")[-1]
    return {"id": id, "kind": kind, "name": f"Mission in {city}", "host_country": country,
            "city": city, "address": None, "lat": None, "lon": None, "coord_precision": None,
            "emails": [], "phones": [], "website": None, "also_accredited_to": [],
            "status_note": note, "sources": {"existence": ["https://example.org/" + id]},
            "email_sources": {}, "email_roles": {}, **fields}


def missions_dir(tmp_path: Path, records: list[dict[str, Any]],
                 accreditations: list[dict[str, Any]] | None = None) -> Path:
    folder = tmp_path / "missions"
    folder.mkdir()
    write_json(folder / "europe.json", records)
    for name in ("americas.json", "asia.json", "africa-me.json", "gaps.json"):
        write_json(folder / name, [])
    write_json(folder / "accreditations.json", accreditations or [])
    write_json(folder / "emails-found.json", [
        {"mission": "at-vienna-embassy", "email": "dead@mid.ru", "role": "general",
         "source": "s-dead", "source_date": None, "evidence": "", "bounced": True},
        {"mission": "at-vienna-embassy", "email": "general@mid.ru", "role": "general",
         "source": "s-general", "source_date": "2024-05", "evidence": "", "bounced": False},
    ])
    return folder


VIENNA = mission(
    "at-vienna-embassy", "Vienna", also_accredited_to=["LI"],
    emails=["press@mid.ru", "dead@mid.ru", "general@mid.ru", "old@mid.ru"],
    email_roles={"press@mid.ru": "press", "dead@mid.ru": "general",
                 "general@mid.ru": "general", "old@mid.ru": "other"},
    email_sources={"press@mid.ru": ["s-press"], "dead@mid.ru": ["s-dead"],
                   "general@mid.ru": ["s-general"], "old@mid.ru": ["s-old"]},
)
RECORDS = [
    VIENNA,
    mission("at-salzburg-consulate_general", "Salzburg", lat=47.8, lon=13.04,
            coord_precision="building"),
    mission("at-linz-consulate_general", "Linz"),  # not in the fake gazetteer
    mission("at-graz-consulate_general", "Graz", "PLANNED, NOT YET OPEN as of 2026"),
    mission("at-innsbruck-consulate_general", "Innsbruck", "CLOSED 1 Oct 2023: gone",
            lat=47.26, lon=11.39, coord_precision="city"),
]


@pytest.fixture
def result(tmp_path: Path) -> build_module.BuildResult:
    research = tmp_path / "research"
    research.mkdir()
    write_json(research / "a.json", [
        {"id": "at-vienna-embassy", "address": "Reisnerstraße 45-47", "status": "open",
         "status_date": "2024-03-25", "rejected_emails": ["old@mid.ru"],
         "sources": {"address": ["s-address"]}, "source_dates": {"s-address": "2024-03-25"},
         "evidence": {"address": "quoted"}, "verified_at": "2026-11-25", "colour": "red"},
        {"id": "at-salzburg-consulate_general", "status": "open", "status_date": "2025-12"},
        {"id": "li-vaduz-consulate", "kind": "consulate", "name": "A new office",
         "country": "LI", "city": "Vaduz", "status_note": "Opened 2026.",
         "sources": {"existence": ["s-new"]}},
        {"accreditation": {"country": "SM", "covered_by": "at-vienna-embassy",
                           "sources": ["s-sm"], "note": "weak",
                           "source_dates": {"s-sm": "2015-03 (credentials presented)"}}},
        {"accreditation": {"country": "BT", "covered_by": None, "sources": ["s-bt"],
                           "note": "NO DIPLOMATIC RELATIONS"}},
    ])
    folder = missions_dir(tmp_path, RECORDS, [
        {"country": "MC", "covered_by": "at-vienna-embassy", "sources": ["s-mc"]}])
    return build(folder, research, FakeGazetteer(), Relations(), DAY)


def test_records_and_left_out(result: build_module.BuildResult) -> None:
    assert [r.id for r in result.records] == [
        "at-innsbruck-consulate_general", "at-salzburg-consulate_general",
        "at-vienna-embassy", "li-vaduz-consulate"]
    left = dict(result.left_out)
    assert left["at-graz-consulate_general"].startswith("not open yet: PLANNED")
    assert left["at-linz-consulate_general"].startswith("no coordinates: 'Linz' (AT)")
    assert any("ignored unknown field(s) colour" in n for n in result.notices)
    assert any(n.startswith("accreditation of BT: no covering mission") for n in
               result.notices)
    assert ("at-salzburg-consulate_general: status_date '2025-12' is not a whole day; "
            "left null") in result.notices


def test_emails_bounced_rejected_and_ordered(result: build_module.BuildResult) -> None:
    vienna = next(r for r in result.records if r.id == "at-vienna-embassy")
    assert vienna.emails == ["general@mid.ru", "press@mid.ru"]  # general first
    assert set(vienna.sources.emails) == {"general@mid.ru", "press@mid.ru"}
    assert set(vienna.email_roles) == {"general@mid.ru", "press@mid.ru"}
    assert vienna.source_dates == {"s-address": "2024-03-25", "s-general": "2024-05",
                                   "s-sm": "2015-03"}


def test_facts_and_their_sources(result: build_module.BuildResult) -> None:
    by_id = {r.id: r for r in result.records}
    vienna = by_id["at-vienna-embassy"]
    assert vienna.accredited_to == ["AT", "LI", "MC", "SM"]  # host, own list, files
    assert vienna.sources.accreditation == ["s-mc", "s-sm"]
    assert vienna.address == "Reisnerstraße 45-47" and vienna.sources.address == ["s-address"]
    assert (vienna.status, vienna.status_date) == ("open", date(2024, 3, 25))
    assert vienna.verified_at == date(2026, 11, 25) and vienna.updated_at == DAY
    assert (vienna.lat, vienna.lon, vienna.coord_precision) == (48.21, 16.37, "city")
    assert vienna.sources.coords[0].startswith("https://www.geonames.org/search.html?q=Vienna")
    salzburg = by_id["at-salzburg-consulate_general"]
    assert salzburg.coord_precision == "building" and salzburg.sources.coords == []
    assert salzburg.status_date is None  # "2025-12" is no day: null, not a dropped record
    innsbruck = by_id["at-innsbruck-consulate_general"]
    assert (innsbruck.status, innsbruck.status_date) == ("closed", date(2023, 10, 1))
    assert by_id["li-vaduz-consulate"].accredited_to == ["LI"]
    assert by_id["li-vaduz-consulate"].address is None  # unknown stays null


MFA_2015 = "github:a1essar/embassies-list-of-russia-parser/data.json"


def test_addresses_set_aside_for_their_age_are_served_with_their_date(tmp_path: Path) -> None:
    """The MFA's own 2015 list is served and dated; mock data stays out; a newer source of
    the same address (a later research file) makes it recent."""
    research = tmp_path / "research"
    research.mkdir()
    write_json(research / "a.json", [{"id": "at-vienna-embassy", "set_aside_emails": [
        {"email": "embrus@aon.at", "why": "only in the MFA's own list of missions (2015)",
         "sources": [MFA_2015], "evidence": "e-mail: embrus@aon.at"},
        {"email": "old-isp@aon.at", "why": "only in the MFA's own list of missions (2015)",
         "sources": [MFA_2015], "evidence": "e-mail: old-isp@aon.at"},
        {"email": "mock@mail.ru", "why": "only in mock data", "sources": ["s-mock"]},
    ]}])
    write_json(research / "b.json", [{"id": "at-vienna-embassy", "emails": ["embrus@aon.at"],
                                      "sources": {"emails": {"embrus@aon.at": ["s-2026"]}},
                                      "source_dates": {"s-2026": "2026-11"}}])
    folder = missions_dir(tmp_path, RECORDS)
    vienna = next(r for r in build(folder, research, FakeGazetteer(), Relations(), DAY).records
                  if r.id == "at-vienna-embassy")
    assert "mock@mail.ru" not in vienna.emails and "dead@mid.ru" not in vienna.emails
    assert vienna.sources.emails["old-isp@aon.at"] == [MFA_2015]
    assert vienna.sources.emails["embrus@aon.at"] == [MFA_2015, "s-2026"]
    assert vienna.email_dates == {"general@mid.ru": "2024-05", "embrus@aon.at": "2026-11",
                                  "old-isp@aon.at": "2015-03"}  # press@ has no dated source
    assert vienna.source_dates[MFA_2015] == "2015-03"


def test_the_output_is_stable_and_valid(tmp_path: Path,
                                        result: build_module.BuildResult) -> None:
    first, second = tmp_path / "one.json", tmp_path / "two.json"
    write(result.records, first)
    write(tuple(reversed(result.records)), second)
    assert first.read_bytes() == second.read_bytes()
    assert "Reisnerstraße" in first.read_text(encoding="utf-8")  # not \\u-escaped
    assert schema_errors(json.loads(first.read_text(encoding="utf-8"))) == []


def test_a_rebuild_dates_only_the_records_that_changed(
        tmp_path: Path, result: build_module.BuildResult) -> None:
    out = tmp_path / "embassies.json"
    write(result.records, out)
    later = [r.model_copy(update={"updated_at": date(2031, 1, 1)}) for r in result.records]
    later[0] = later[0].model_copy(update={"phones": ["+41 31 352 05 66"]})
    write(later, out)
    dates = {row["id"]: row["updated_at"] for row in json.loads(out.read_text("utf-8"))}
    assert dates[later[0].id] == "2031-01-01"
    assert {dates[r.id] for r in result.records[1:]} == {str(result.records[1].updated_at)}


def test_a_broken_research_file_stops_the_build(tmp_path: Path) -> None:
    research = tmp_path / "research"
    research.mkdir()
    (research / "half-written.json").write_text('[{"id": "at-vie', encoding="utf-8")
    with pytest.raises(InputError, match=r"half-written\.json"):
        build(missions_dir(tmp_path, RECORDS), research, FakeGazetteer(), Relations(), DAY)


@pytest.mark.skipif(not MISSIONS.is_dir(), reason="the shared mission records are not here")
def test_the_real_data(tmp_path: Path, gazetteer: Gazetteer) -> None:
    """Invariants that hold whatever the researchers add (research files left out: they
    are being edited while this runs)."""
    empty = tmp_path / "research"
    empty.mkdir()
    result = build(MISSIONS, empty, gazetteer, Relations.load(RELATIONS), DAY)
    by_id = {r.id: r for r in result.records}
    found = json.loads((MISSIONS / "emails-found.json").read_text(encoding="utf-8"))
    bounced = {e["email"] for e in found if e["bounced"]}
    assert not bounced & {a for r in result.records for a in r.emails}
    assert (by_id["ua-kyiv-embassy"].status, str(by_id["ua-kyiv-embassy"].status_date)) == (
        "closed", "2022-02-24")
    assert by_id["ye-sanaa-embassy"].status == "suspended"
    assert by_id["ch-bern-embassy"].accredited_to == ["CH", "LI"]
    assert all(r.accredited_to[0] == r.country for r in result.records)
    assert all(a in r.sources.emails for r in result.records for a in r.emails)
    left = dict(result.left_out)
    assert all(why.startswith(("not open yet", "no coordinates")) for why in left.values())


def test_the_shipped_file_is_as_the_build_writes_it(tmp_path: Path) -> None:
    rows = json.loads(SHIPPED.read_text(encoding="utf-8"))
    assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)
    again = json.dumps(rows, ensure_ascii=False, indent=1) + "\n"
    assert SHIPPED.read_text(encoding="utf-8") == again


def test_the_schema_file_is_current() -> None:
    shipped = json.loads((SHIPPED.parent / "embassies.schema.json").read_text(encoding="utf-8"))
    assert shipped == directory_schema()
