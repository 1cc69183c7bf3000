"""`check`: the shipped directory passes; each kind of breakage is caught and named."""

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from app.directory.check import check
from app.directory.freshness import Freshness
from app.geo.gazetteer import Gazetteer

from .factory import berlin, bern, write_json


def _check(tmp_path: Path, gazetteer: Gazetteer, records: list[dict[str, Any]],
           relations: dict[str, Any] | None = None, overrides: Any = None) -> list[str]:
    directory = write_json(tmp_path / "embassies.json", records)
    relations_file = write_json(tmp_path / "relations.json", relations or {})
    overrides_file = None
    if overrides is not None:
        overrides_file = write_json(tmp_path / "overrides.json", overrides)
    report = check(directory, overrides_file, relations_file=relations_file,
                   gazetteer=gazetteer)
    return report.errors


def test_the_shipped_directory_passes(shipped: Path, gazetteer: Gazetteer) -> None:
    report = check(shipped, gazetteer=gazetteer)
    assert report.errors == []
    assert report.ok
    assert report.figures["records"] > 200
    assert report.figures["host countries with an open embassy-level record"] > 140
    # Countries with no relations are not gaps; Ukraine and Russia itself never are.
    assert "UA" not in report.gaps.uncovered_countries
    assert "RU" not in report.gaps.uncovered_countries
    assert report.format().endswith("result: OK")


def test_the_full_report_has_a_row_per_state(shipped: Path, gazetteer: Gazetteer) -> None:
    report = check(shipped, gazetteer=gazetteer)
    rows = {row.country: row for row in report.coverage}
    assert rows["LI"].how == "accredited" and rows["LI"].mission is not None
    assert rows["LI"].mission.id == "ch-bern-embassy"
    assert rows["UA"].how == "no relations"
    assert rows["GE"].how == "interests section"
    assert rows["XK"].how == "served by"
    assert "coverage" in report.format(full=True)


def test_small_valid_files_pass(tmp_path: Path, gazetteer: Gazetteer) -> None:
    assert _check(tmp_path, gazetteer, [bern(), berlin()]) == []


BROKEN: list[tuple[str, list[dict[str, Any]], str]] = [
    ("duplicate id", [bern(), bern()], "ch-bern-embassy: id used 2 times"),
    ("id of another kind", [bern(id="ch-bern-consulate_general")],
     "id is not {country}-{city}-{kind}"),
    ("id of another country", [bern(id="de-bern-embassy")], "id is not {country}-{city}-{kind}"),
    ("id in capitals", [bern(id="CH-Bern-embassy")], "does not match"),
    ("unknown country code", [bern(id="zz-bern-embassy", country="ZZ",
                                   accredited_to=["ZZ"])],
     "'ZZ' is not an ISO 3166-1 alpha-2 code"),
    ("unknown accredited code", [bern(accredited_to=["CH", "QQ"])],
     "not ISO 3166-1 alpha-2: QQ"),
    ("accreditation not led by the host", [bern(accredited_to=["LI", "CH"])],
     "must start with the host country CH"),
    ("bad e-mail", [bern(emails=["rusbotschaft@@bluewin"],
                         sources={"emails": {"rusbotschaft@@bluewin": ["x"]}})],
     "field emails: 'rusbotschaft@@bluewin'"),
    ("e-mail without a source", [bern(sources={"existence": ["x"]})],
     "no source for rusbotschaft@bluewin.ch"),
    ("coordinates 500 km from the city", [bern(lat=51.43, lon=7.46)], "km from Bern (CH)"),
    ("two open embassies in one country",
     [bern(), bern(id="ch-geneva-embassy", city="Geneva", lat=46.2, lon=6.15,
                   accredited_to=["CH"])],
     "country CH: 2 open embassy-level records"),
    ("one country accredited to two embassies",
     [bern(), berlin(accredited_to=["DE", "LI"])], "country LI: accredited to 2 open"),
    ("missing field", [{k: v for k, v in bern().items() if k != "lat"}],
     "'lat' is a required property"),
]


@pytest.mark.parametrize(("records", "expected"), [(r, e) for _, r, e in BROKEN],
                         ids=[name for name, _, _ in BROKEN])
def test_each_breakage_is_caught(
    tmp_path: Path, gazetteer: Gazetteer, records: list[dict[str, Any]], expected: str
) -> None:
    errors = _check(tmp_path, gazetteer, records)
    assert any(expected in e for e in errors), errors


def test_the_distance_from_the_city_is_reported(tmp_path: Path, gazetteer: Gazetteer) -> None:
    (error,) = _check(tmp_path, gazetteer, [bern(lat=51.43, lon=7.46)])
    km = int(error.split(": ")[1].split(" km")[0])
    assert 480 <= km <= 520


def test_an_accreditation_to_an_unknown_id_is_caught(
    tmp_path: Path, gazetteer: Gazetteer
) -> None:
    relations = {
        "served_by": {"XK": {"mission": "rs-belgrade-embassy", "note": "n"}},
        "stand_ins": {"PS": {"mission": "de-berlin-embassy", "note": "n"}},
    }
    errors = _check(tmp_path, gazetteer, [bern(), berlin(status="closed")], relations)
    assert "relations served_by.XK: unknown id rs-belgrade-embassy" in errors
    assert "relations stand_ins.PS: de-berlin-embassy is closed" in errors


def test_invalid_overrides_are_errors(tmp_path: Path, gazetteer: Gazetteer) -> None:
    errors = _check(tmp_path, gazetteer, [bern()], overrides=[{"id": "ch-bern-embassy",
                                                                "lat": "north"}])
    assert len(errors) == 1
    assert "record ch-bern-embassy field lat" in errors[0]


def test_overrides_are_checked_merged(tmp_path: Path, gazetteer: Gazetteer) -> None:
    """An override that adds an address without a source fails like a shipped one would."""
    errors = _check(tmp_path, gazetteer, [bern()],
                    overrides=[{"id": "ch-bern-embassy", "emails": ["new@mid.ru"]}])
    assert errors == ["record ch-bern-embassy field sources.emails: no source for new@mid.ru"]


def test_kosovo_is_the_one_user_assigned_code(tmp_path: Path, gazetteer: Gazetteer) -> None:
    pristina = bern(id="xk-pristina-consular_office", kind="consular_office", country="XK",
                    city="Pristina", lat=42.67, lon=21.17, coord_precision="city",
                    accredited_to=["XK"])
    assert _check(tmp_path, gazetteer, [pristina]) == []
    other = {**pristina, "id": "xa-pristina-consular_office", "country": "XA",
             "accredited_to": ["XA"]}
    assert any("'XA' is not an ISO 3166-1" in e for e in _check(tmp_path, gazetteer, [other]))


def test_email_coverage_counts_dated_addresses(tmp_path: Path, gazetteer: Gazetteer) -> None:
    """Bern's only address is from 2015 (dated); Berlin has a 2024 one (recent)."""
    old = bern(email_dates={"rusbotschaft@bluewin.ch": "2015-03"})
    recent = berlin(emails=["info@russische-botschaft.de"],
                    email_dates={"info@russische-botschaft.de": "2024-05"},
                    sources={"existence": ["https://germany.mid.ru"],
                             "emails": {"info@russische-botschaft.de": ["s"]}})
    directory = write_json(tmp_path / "embassies.json", [old, recent])
    relations = write_json(tmp_path / "relations.json", {})
    report = check(directory, relations_file=relations, gazetteer=gazetteer,
                   freshness=Freshness(date(2026, 12, 1), 5))
    assert report.email_coverage == ("sourced e-mail 2/2 (100 %), of which dated (newest "
                                     "source older than 5 years) 1")
    full = report.format(full=True)
    assert "dated: rusbotschaft@bluewin.ch (2015-03)" in full
    assert "info@russische-botschaft.de (" not in full
    longer = check(directory, relations_file=relations, gazetteer=gazetteer,
                   freshness=Freshness(date(2026, 12, 1), 20))
    assert longer.email_coverage.endswith("older than 20 years) 0")


def test_a_date_for_an_address_not_served_is_a_warning(
        tmp_path: Path, gazetteer: Gazetteer) -> None:
    directory = write_json(tmp_path / "embassies.json",
                           [bern(email_dates={"gone@example.ch": "2015"})])
    report = check(directory, relations_file=write_json(tmp_path / "r.json", {}),
                   gazetteer=gazetteer)
    assert any("email_dates for addresses not in emails: gone@example.ch" in w
               for w in report.warnings)
