"""data/embassies.schema.json: JSON Schema (draft 2020-12) for the directory and its overrides.

Generated from the `Embassy` model, so the file, the model and the API cannot drift apart.
The root validates `data/embassies.json` (an array of full records); `#/$defs/Overrides`
validates an overrides file (an array of partial records where only `id` is required).
Run `python -m app.directory.schema` to rewrite the file (`build` does it too).
"""

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from app.directory.models import Embassy
from app.paths import DATA

# E-mail roles in the order letters should prefer them: general first.
EMAIL_ROLES = ("general", "consular", "press", "other")

DEFAULT_PATH = DATA / "embassies.schema.json"
DRAFT = "https://json-schema.org/draft/2020-12/schema"


def directory_schema() -> dict[str, Any]:
    """The whole schema document."""
    embassy = Embassy.model_json_schema(ref_template="#/$defs/{model}")
    _tighten(embassy["properties"])
    defs: dict[str, Any] = embassy.pop("$defs", {})
    defs["Embassy"] = embassy
    defs["EmbassyPatch"] = _patch_of(embassy)
    defs["Overrides"] = {
        "description": "An overrides file: partial records merged over the shipped directory "
        "at start-up (add a record, correct a field, retire an address with `emails: []`).",
        "type": "array",
        "items": {"$ref": "#/$defs/EmbassyPatch"},
    }
    return {
        "$schema": DRAFT,
        "$id": "https://example.invalid/embassy-letters/embassies.schema.json",
        "title": "Russia's diplomatic missions",
        "description": "data/embassies.json: every record, sorted by id. For an overrides "
        "file use #/$defs/Overrides.",
        "type": "array",
        "items": {"$ref": "#/$defs/Embassy"},
        "$defs": defs,
    }


def _tighten(props: dict[str, Any]) -> None:
    """Constraints the model leaves to `check`, stated here too so editors flag them early."""
    code = {"type": "string", "pattern": "^[A-Z]{2}$"}
    props["country"].update(code)
    props["accredited_to"]["items"] = code
    props["accredited_to"]["minItems"] = 1
    props["emails"]["items"] = {"type": "string", "format": "email"}
    props["email_roles"]["additionalProperties"] = {"enum": list(EMAIL_ROLES)}
    props["lat"].update(minimum=-90, maximum=90)
    props["lon"].update(minimum=-180, maximum=180)


def _patch_of(embassy: dict[str, Any]) -> dict[str, Any]:
    """The record's properties, none required but `id`; unknown fields still refused."""
    patch = {k: v for k, v in embassy.items() if k not in ("required", "title")}
    patch["title"] = "EmbassyPatch"
    patch["required"] = ["id"]
    return patch


@cache
def _validator(kind: str) -> Draft202012Validator:
    schema = directory_schema()
    if kind == "overrides":
        schema = {**schema, "items": {"$ref": "#/$defs/EmbassyPatch"}}
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def schema_errors(document: Any, kind: str = "directory") -> list[str]:
    """Readable messages, each naming the record (by id where it has one) and the field."""
    messages = []
    for error in sorted(_validator(kind).iter_errors(document), key=lambda e: list(e.path)):
        messages.append(f"{_where(document, list(error.path))}: {error.message}")
    return messages


def _where(document: Any, path: list[Any]) -> str:
    if not path:
        return "file"
    index, rest = path[0], path[1:]
    record = document[index] if isinstance(document, list) else None
    name = record.get("id") if isinstance(record, dict) else None
    label = f"record {name}" if isinstance(name, str) else f"record #{index}"
    return label + (f" field {'.'.join(map(str, rest))}" if rest else "")


def write(path: Path = DEFAULT_PATH) -> None:
    text = json.dumps(directory_schema(), ensure_ascii=False, indent=1) + "\n"
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    write()
