"""The compiled modules (app/native.py): in use when current, never when stale, and giving
exactly the answers the same modules give as Python."""

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app import native
from app.paths import ROOT

# Lookups from coordinates and places, every answer printed to the last bit of each float,
# then composed letters as the route's JSON.
ANSWERS = """
import random, sys
from app import native
from app.directory.policy import choose
from app.services import Services
from app.settings import Settings
assert native.active() == (sys.argv[1] == "on"), "the mode asked for is not the one running"
services = Services.load(Settings())
geo, directory = services.geo, services.directory
rng = random.Random(7)
points = [(rng.uniform(-90, 90), rng.uniform(-180, 180)) for _ in range(1500)]
points += [(c.lat + rng.uniform(-0.3, 0.3), c.lon + rng.uniform(-0.3, 0.3))
           for c in rng.sample(list(geo.gazetteer.cities()), 1500)]
for lat, lon in points:
    where = geo.from_coordinates(lat, lon)
    for kind in ("embassy", "any"):
        found = choose(directory, where, kind, 3)
        print(repr(where), [(c.embassy.id, c.distance_km.hex(), c.reason) for c in found])
for q in ("Kehl", "München", "Мюнхен", "Paris, France", "Ciudad Juárez", "Wien", "Tromsø"):
    where = geo.from_place(q)
    print(repr(where), [(c.embassy.id, c.distance_km.hex()) for c in choose(directory, where)])
from datetime import UTC, datetime
from app.letters.answer import answer_json
from app.letters.compose import Context, compose_parts
from app.letters.schemas import ComposeRequest
ctx = Context(geo=geo, directory=directory, campaigns=services.campaigns, accept_language=None,
              client_ip=None, now=datetime(2026, 12, 1, tzinfo=UTC))
names = ["Jane Doe", "Анна Иванова", "José {{ 7*7 }} Núñez", "李小龙", "O'Brien & Sons"]
places = [("Basel", "CH"), ("Kehl", "DE"), ("Tokyo", "JP"), ("Lima", "PE"), ("Kyiv", "UA")]
for n, (name, (city, country)) in enumerate(zip(names * 10, places * 10)):
    request = ComposeRequest.model_validate({
        "campaign_id": "navalny-appeal", "language": ("en", "ru", "de", "fr", "es")[n % 5],
        "sender": {"name": name, "city": city, "country": country},
        "signature": ("full", "initials")[n % 2], "bilingual": n % 3 == 0})
    print(answer_json(compose_parts(ctx, request)).decode())
"""


def _answers(mode: str) -> list[str]:
    env = {**os.environ, "LETTERS_NATIVE": mode}
    done = subprocess.run([sys.executable, "-c", ANSWERS, mode], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_the_modules_come_from_the_build_exactly_when_it_is_current() -> None:
    for name in native.MODULES:
        origin = Path(importlib.import_module(name).__file__ or "")
        if native.active():
            assert origin.is_relative_to(native.OUT) and origin.suffix == ".so", name
        else:
            assert origin == ROOT.joinpath(*name.split(".")).with_suffix(".py"), name


@pytest.mark.skipif(not os.environ.get("CI"), reason="a machine without a C compiler may "
                    "run the Python; CI must run what the service ships")
def test_ci_runs_the_compiled_modules() -> None:
    assert native.active(), "make native did not build a current build/native"


def test_an_edited_or_missing_source_makes_the_build_stale(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    kept, edited, gone = (tmp_path / "app" / f"{n}.py" for n in ("kept", "edited", "gone"))
    for path in (kept, edited, gone):
        path.write_text(f"# {path.name}\n")
    manifest = {"interpreter": native.interpreter(),
                "sources": {f"app/{p.name}": native.file_hash(p) for p in (kept, edited, gone)}}
    assert native.stale_sources(manifest, tmp_path) == []
    edited.write_text("# edited\n")
    gone.unlink()
    assert native.stale_sources(manifest, tmp_path) == ["app/edited.py", "app/gone.py"]
    other = {**manifest, "interpreter": "cpython-310-linux-x86_64"}
    assert native.stale_sources(other, tmp_path) == ["<interpreter>"]


def test_a_manifest_that_cannot_be_read_is_no_build(tmp_path: Path) -> None:
    assert native.read_manifest(tmp_path) is None
    (tmp_path / native.MANIFEST_NAME).write_text("{not json")
    assert native.read_manifest(tmp_path) is None
    (tmp_path / native.MANIFEST_NAME).write_text(json.dumps({"interpreter": "x"}))
    assert native.read_manifest(tmp_path) is None


@pytest.mark.skipif(not native.active(), reason="no current build/native (make native)")
def test_compiled_and_python_give_the_same_answers() -> None:
    compiled, python = _answers("on"), _answers("off")
    assert len(compiled) == 6007 + 50
    assert compiled == python
