"""A tiny container for typed arrays and texts, so data loads without parsing.

Layout: magic, a little-endian u32 header length, a JSON header, then the raw sections.
Arrays are stored little-endian; texts as UTF-8. Loading a section is one `frombytes`,
which is why start-up takes milliseconds instead of the seconds JSON would.
"""

from __future__ import annotations

import json
import sys
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAGIC = b"GEOPACK1"


@dataclass(frozen=True, slots=True)
class Packed:
    meta: dict[str, Any]
    arrays: dict[str, array[Any]]
    texts: dict[str, str]


def write_packed(
    path: Path, meta: dict[str, Any], arrays: dict[str, array[Any]], texts: dict[str, str]
) -> None:
    """Write `arrays` and `texts` with `meta` (used by the build script)."""
    sections: list[dict[str, Any]] = []
    blobs: list[bytes] = []
    offset = 0
    for name, values in arrays.items():
        blob = _little_endian(values)
        sections.append({"name": name, "kind": "array", "typecode": values.typecode,
                         "offset": offset, "size": len(blob)})
        blobs.append(blob)
        offset += len(blob)
    for name, text in texts.items():
        blob = text.encode()
        sections.append({"name": name, "kind": "text", "offset": offset, "size": len(blob)})
        blobs.append(blob)
        offset += len(blob)
    header = json.dumps({"meta": meta, "sections": sections}, ensure_ascii=False).encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        out.write(MAGIC + len(header).to_bytes(4, "little") + header)
        for blob in blobs:
            out.write(blob)


def read_packed(path: Path) -> Packed:
    """Read a file written by `write_packed`, each array straight into its own buffer."""
    with path.open("rb") as source:
        if source.read(len(MAGIC)) != MAGIC:
            raise ValueError(f"{path} is not a packed data file")
        header = json.loads(source.read(int.from_bytes(source.read(4), "little")))
        body = source.tell()
        arrays: dict[str, array[Any]] = {}
        texts: dict[str, str] = {}
        for section in header["sections"]:
            source.seek(body + section["offset"])
            if section["kind"] == "array":
                values: array[Any] = array(section["typecode"])
                values.fromfile(source, section["size"] // values.itemsize)
                if sys.byteorder == "big":
                    values.byteswap()
                arrays[section["name"]] = values
            else:
                texts[section["name"]] = source.read(section["size"]).decode()
    return Packed(header["meta"], arrays, texts)


def _little_endian(values: array[Any]) -> bytes:
    if sys.byteorder == "big":
        values = array(values.typecode, values)
        values.byteswap()
    return values.tobytes()
