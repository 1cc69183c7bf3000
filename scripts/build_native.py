"""Compile the hot modules of a lookup and a compose (app/native.py: MODULES) with mypyc
into build/native.

`make native` runs this (`python -m scripts.build_native`); `make run`, `make test` and the
benches run `make native` first. It does nothing while the build is current. Without a C
compiler, or if mypyc fails, it says so and exits 0: the service then runs the same modules
as Python, only slower (in CI, where the build must work, tests/test_native.py fails).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import warnings
from pathlib import Path

from app.native import (
    GROUP,
    MANIFEST_NAME,
    MODULES,
    OUT,
    file_hash,
    interpreter,
    read_manifest,
    stale_sources,
)
from app.paths import ROOT

# What the compiled modules import from app, by file: listed by an interpreter that loaded
# them as Python, so that the manifest covers every source their types come from.
IMPORTED = (
    "import sys, app.native\n"
    "for name in app.native.MODULES: __import__(name)\n"
    "print('\\n'.join(sorted({m.__file__ for n, m in sys.modules.items()\n"
    "    if (n == 'app' or n.startswith('app.')) and getattr(m, '__file__', None)})))\n"
)


def imported_sources() -> list[str]:
    env = {**os.environ, "LETTERS_NATIVE": "off"}
    out = subprocess.run([sys.executable, "-c", IMPORTED], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True).stdout
    files = [Path(line).resolve().relative_to(ROOT).as_posix() for line in out.split()]
    return [*files, Path(__file__).resolve().relative_to(ROOT).as_posix()]


def compile_into(folder: Path) -> None:
    """mypyc's C, compiled by setuptools, into `folder` (as a package tree)."""
    from mypyc.build import mypycify  # the dev install's mypy: only a build needs it
    from setuptools import setup

    paths = [name.replace(".", "/") + ".py" for name in MODULES]
    work = folder.parent / (folder.name + "-work")
    warnings.filterwarnings("ignore", message=".*tool.setuptools.*beta")  # our pyproject's
    setup(name="letters-native", py_modules=[], packages=[],
          ext_modules=mypycify(paths, group_name=GROUP, target_dir=str(work / "c")),
          script_args=["--quiet", "build_ext", "--build-lib", str(folder),
                       "--build-temp", str(work / "o")])
    shutil.rmtree(work, ignore_errors=True)


def build() -> None:
    sources = imported_sources()
    staging = Path(tempfile.mkdtemp(prefix="native-", dir=OUT.parent))
    try:
        compile_into(staging)
        manifest = {"interpreter": interpreter(), "modules": list(MODULES),
                    "sources": {name: file_hash(ROOT / name) for name in sources}}
        (staging / MANIFEST_NAME).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        shutil.rmtree(OUT, ignore_errors=True)
        staging.rename(OUT)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def main() -> int:
    manifest = read_manifest()
    if manifest is not None and not stale_sources(manifest, ROOT):
        print(f"compiled modules: current ({len(MODULES)} in {OUT.relative_to(ROOT)})")
        return 0
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(compiler) is None:
        print(f"compiled modules: not built (no C compiler {compiler!r}); the service runs "
              "them as Python", file=sys.stderr)
        return 0
    OUT.parent.mkdir(parents=True, exist_ok=True)
    try:
        build()
    except (Exception, SystemExit) as error:  # setuptools reports a failed compile by exiting
        print(f"compiled modules: not built ({error}); the service runs them as Python",
              file=sys.stderr)
        return 0
    print(f"compiled modules: built ({len(MODULES)} in {OUT.relative_to(ROOT)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
