"""Where the repository's data lives, named in one module that is never compiled: a
module compiled by mypyc (app/native.py) has its binary under build/native, so a path
taken from its own `__file__` would point there."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
