"""The hot modules of a lookup and a compose, compiled to C by mypyc, used only while they
match their sources.

A lookup from coordinates is ~1,600 bytecodes of arithmetic and indexing in pure Python
(~130K instructions); compiled, the same source runs in about two thirds of those, in half
the time or less (bench/RESULTS.md), and composing a letter around it in ~11% fewer.
`scripts/build_native.py` (run by `make run`, `make test` and the benches) compiles MODULES
into build/native and writes a manifest: the hash of every app source file the modules
import, and the interpreter they were built for. Each package holding one (app.geo,
app.directory, app.letters, app.campaigns) puts build/native's copy of itself ahead of its
own folder on its `__path__` only while every hash still matches, so an edit without a
rebuild runs the edited Python, never a stale binary; a machine without a C compiler runs
the same modules as Python. `LETTERS_NATIVE=off` runs the Python always (the test that
compares the two uses it).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from functools import cache
from pathlib import Path
from typing import Any

from app.paths import ROOT

MODULES = (
    "app.geo.grid", "app.geo.knearest", "app.geo.gazetteer", "app.geo.borders",
    "app.geo.resolve", "app.directory.directory", "app.directory.policy",
    "app.letters.compose", "app.letters.links", "app.letters.link_plan", "app.letters.answer",
    "app.letters.recipients", "app.letters.other_ways", "app.campaigns.render",
    "app.campaigns.text", "app.campaigns.variant", "app.campaigns.language",
    "app.campaigns.edit", "app.campaigns.signature",
)
OUT = ROOT / "build" / "native"
MANIFEST_NAME = "manifest.json"
GROUP = "letters_native"  # the name of the shared library every compiled module calls into


def interpreter() -> str:
    """What a binary is built for: another Python or platform cannot load it."""
    return f"{sys.implementation.cache_tag}-{sys.platform}-{os.uname().machine}"


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stale_sources(manifest: dict[str, Any], root: Path) -> list[str]:
    """The manifest's files (relative to `root`) that are gone or no longer the same;
    ["<interpreter>"] when the binaries were built for another Python."""
    if manifest.get("interpreter") != interpreter():
        return ["<interpreter>"]
    stale = []
    for name, digest in manifest.get("sources", {}).items():
        path = root / name
        if not path.is_file() or file_hash(path) != digest:
            stale.append(name)
    return stale


def read_manifest(out: Path = OUT) -> dict[str, Any] | None:
    try:
        manifest = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) and manifest.get("sources") else None


@cache  # once per process: each package asks, and the answer cannot change under them
def active() -> bool:
    """True when the compiled modules are current and wanted."""
    if os.environ.get("LETTERS_NATIVE", "on").lower() == "off":
        return False
    manifest = read_manifest()
    if manifest is None or stale_sources(manifest, ROOT):
        return False
    sys.path.append(str(OUT))  # where the modules' shared library (GROUP) is
    return True


def compiled_first(path: list[str], package: str) -> list[str]:
    """A package's `__path__`, with build/native's copy of it first while that is current."""
    if not active():
        return path
    return [str(OUT.joinpath(*package.split("."))), *path]
