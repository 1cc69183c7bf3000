"""The gazetteer's derived indexes, kept in a file beside it so that a start reads them.

Building the cities' point grid and finding the time zones that hold several countries
(70k cities through tzfpy) took ~0.35 s of every start. Both follow from the gazetteer's
points, zone.tab, the installed tzfpy and the code that builds them, and nothing else: so
they are built once and written to `data/gazetteer/derived.bin` (not in git; the first
start on a machine writes it, as the image's build does), and a start whose fingerprint
of all those inputs matches the file's reads them back in milliseconds. Anything else (no
file, another fingerprint, a file cut short, a folder that cannot be written) builds them
as before; a file that cannot be written is only slower, never wrong.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Mapping
from importlib.metadata import version
from pathlib import Path
from typing import NamedTuple

import structlog
import tzfpy

from app.geo import borders, grid
from app.geo.borders import shared_zones
from app.geo.gazetteer import DATA_FILE, Gazetteer
from app.geo.grid import PointGrid
from app.geo.packed import Packed, read_packed, write_packed

log = structlog.get_logger(__name__)
DERIVED_FILE = DATA_FILE.with_name("derived.bin")
FORMAT = 1  # of the file's sections; the code that fills them is in the fingerprint


class Derived(NamedTuple):
    grid: PointGrid
    shared: dict[str, frozenset[str]]  # see Borders.shared


def derived(packed: Packed, zones: Mapping[str, str], path: Path = DERIVED_FILE) -> Derived:
    """The indexes of the gazetteer in `packed`: read from `path` when it holds these
    inputs' indexes, else built and written there for the next start."""
    key = fingerprint(packed, zones)
    found = _read(path, key, packed)
    if found is not None:
        return found
    point_grid = Gazetteer.grid_of(packed)
    points = Gazetteer.from_packed(packed, point_grid).points()
    built = Derived(point_grid, shared_zones(points, zones))
    _write(path, key, built)
    return built


def fingerprint(packed: Packed, zones: Mapping[str, str]) -> str:
    """A digest of every input of the derived indexes (~2 ms: 1.2 MB of arrays)."""
    digest = hashlib.blake2b(digest_size=16)
    for name in ("city_lat", "city_lon", "city_country"):
        digest.update(packed.arrays[name].tobytes())
    digest.update(packed.texts["countries"].encode())
    digest.update(json.dumps(sorted(zones.items())).encode())
    digest.update(f"{FORMAT} tzfpy {version('tzfpy')} {tzfpy.data_version()}".encode())
    for module in (grid, borders):  # the code that builds them: any change builds anew
        digest.update(Path(module.__file__ or "").read_bytes())
    return digest.hexdigest()


def _read(path: Path, key: str, packed: Packed) -> Derived | None:
    try:
        stored = read_packed(path)
        if stored.meta.get("fingerprint") != key:
            return None
        a = packed.arrays
        point_grid = PointGrid.from_arrays(stored.arrays, a["city_lat"], a["city_lon"])
        shared = json.loads(stored.texts["shared"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, EOFError) as error:  # cut short, or not ours
        log.info("derived_indexes_unreadable", error_type=type(error).__name__)
        return None
    return Derived(point_grid, {zone: frozenset(countries) for zone, countries in shared})


def _write(path: Path, key: str, built: Derived) -> None:
    """Written whole under another name, then renamed: a reader (another process starting
    at the same moment) sees the old file or the new one, never half of one."""
    shared = json.dumps(sorted((zone, sorted(c)) for zone, c in built.shared.items()))
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        write_packed(partial, {"fingerprint": key, "format": FORMAT},
                     built.grid.to_arrays(), {"shared": shared})
        os.replace(partial, path)
    except OSError as error:
        log.info("derived_indexes_not_written", error_type=type(error).__name__)
        with contextlib.suppress(OSError):  # it may never have been made
            partial.unlink()
