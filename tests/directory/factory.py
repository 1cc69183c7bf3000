"""Small valid records and files, to break one thing at a time."""

import json
from copy import deepcopy
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "data" / "embassies.json"
RELATIONS = ROOT / "data" / "relations.json"
MISSIONS = ROOT.parent / "shared" / "data" / "missions"

_BERN: dict[str, Any] = {
    "id": "ch-bern-embassy",
    "kind": "embassy",
    "name": "Embassy of the Russian Federation in the Swiss Confederation",
    "country": "CH",
    "city": "Bern",
    "address": "Brunnadernrain 37, 3006 Bern, Switzerland",
    "lat": 46.934167,
    "lon": 7.463056,
    "coord_precision": "building",
    "emails": ["rusbotschaft@bluewin.ch"],
    "email_roles": {"rusbotschaft@bluewin.ch": "general"},
    "phones": [],
    "website": "https://switzerland.mid.ru",
    "accredited_to": ["CH", "LI"],
    "status": "open",
    "sources": {"existence": ["https://switzerland.mid.ru"],
                "emails": {"rusbotschaft@bluewin.ch": ["https://switzerland.mid.ru"]}},
    "updated_at": "2026-11-25",
}
_BERLIN: dict[str, Any] = {
    "id": "de-berlin-embassy",
    "kind": "embassy",
    "name": "Embassy of the Russian Federation in the Federal Republic of Germany",
    "country": "DE",
    "city": "Berlin",
    "lat": 52.51615,
    "lon": 13.3833,
    "coord_precision": "building",
    "accredited_to": ["DE"],
    "status": "open",
    "sources": {"existence": ["https://germany.mid.ru"]},
    "updated_at": "2026-11-25",
}


def bern(**changes: Any) -> dict[str, Any]:
    return {**deepcopy(_BERN), **changes}


def berlin(**changes: Any) -> dict[str, Any]:
    return {**deepcopy(_BERLIN), **changes}


def write_json(path: Path, value: Any) -> Path:
    path.write_text(json.dumps(value, ensure_ascii=False, indent=1), encoding="utf-8")
    return path
