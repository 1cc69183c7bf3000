"""Small campaigns written to a temporary folder, so tests do not hang on the shipped one.

A plain module (not conftest) so test files can import the builders by name.
"""

import copy
import json
from collections.abc import Callable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

CONFIG: dict[str, Any] = {
    "id": "demo",
    "status": "active",
    "starts_at": datetime.fromisoformat("2021-04-01T00:00:00+00:00"),
    "default_language": "en",
    "editable": True,
    "fields": {
        "name": {"required": True, "max_length": 100},
        "city": {"required": False, "max_length": 60},
        "personal_note": {"required": False, "max_length": 300},
        "gender": {"required": False, "options": ["feminine", "masculine"]},
    },
}

EN: dict[str, Any] = {
    "title": "Free him",
    "summary": "Write to the embassy.",
    "subjects": ["Subject A", "Subject B", "Subject C", "Subject D", "Subject E"],
    "greetings": ["Dear Ambassador,", "Excellency,", "Dear Sir or Madam,"],
    "paragraphs": [
        {
            "wordings": [
                "I write from {% if sender.city %}{{ sender.city }}{% else %}my home{% endif %}"
                " to the embassy in {{ embassy.city }}, {{ embassy.country }}.",
                "Writing to {{ embassy.city }}{% if sender.country %}"
                " from {{ sender.country }}{% endif %}.",
                "A letter to {{ embassy.country }}.",
            ]
        },
        {"wordings": ["Middle one.", "Middle two.", "Middle three."]},
    ],
    "closings": ["Respectfully,", "Sincerely,", "Yours faithfully,"],
    "note_intro": ["In my own words:", "I add:", "Personally:"],
}

RU: dict[str, Any] = {
    "title": "Свободу",
    "summary": "Напишите в посольство.",
    "subjects": ["Тема А", "Тема Б", "Тема В", "Тема Г", "Тема Д", "Тема Е"],
    "greetings": ["Господин Посол!", "Уважаемый господин Посол!", "Ваше Превосходительство!"],
    "paragraphs": [
        {
            "wordings": [
                "Я {% if gender == 'feminine' %}обеспокоена{% elif gender == 'masculine' %}"
                "обеспокоен{% else %}испытываю беспокойство{% endif %}.",
                "Пишу в {{ embassy.city }}.",
                "Пишу в посольство{% if sender.country %} из страны {{ sender.country }}{% endif %}"
                " в {{ embassy.country }}.",
            ]
        },
        {"wordings": ["Середина один.", "Середина два.", "Середина три."]},
    ],
    "closings": ["С уважением,", "С надеждой,", "Искренне,"],
    "note_intro": ["От себя:", "Добавлю:", "Лично:"],
}


def to_toml(data: Mapping[str, Any]) -> str:
    """Just enough TOML for campaign files: scalars, string lists, tables, arrays of tables."""
    lines: list[str] = []
    tables: list[str] = []
    for key, value in data.items():
        if isinstance(value, dict):
            tables.append(f"\n[{key}]")
            tables += [f"{k} = {_inline(v)}" for k, v in value.items()]
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            for item in value:
                tables.append(f"\n[[{key}]]")
                tables += [f"{k} = {_inline(v)}" for k, v in item.items()]
        else:
            lines.append(f"{key} = {_inline(value)}")
    return "\n".join(lines + tables) + "\n"


def _inline(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date):  # datetime too: both print as TOML (local) dates and times
        return value.isoformat()
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(_inline(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_inline(v)}" for k, v in value.items()) + " }"
    raise TypeError(value)


WriteCampaign = Callable[..., Path]


def write_campaign(
    root: Path,
    config: Mapping[str, Any] | None = None,
    texts: Mapping[str, Mapping[str, Any] | str] | None = None,
    folder: str | None = None,
) -> Path:
    """A campaign folder under `root`; a text given as a str is written verbatim."""
    config = dict(CONFIG if config is None else config)
    texts = {"en": EN, "ru": RU} if texts is None else texts
    path = root / (folder or str(config["id"]))
    path.mkdir(parents=True)
    (path / "campaign.toml").write_text(to_toml(config), encoding="utf-8")
    for language, text in texts.items():
        body = text if isinstance(text, str) else to_toml(text)
        (path / f"{language}.toml").write_text(body, encoding="utf-8")
    return root


def variation(base: Mapping[str, Any], **changes: Any) -> dict[str, Any]:
    """A deep copy of `base` with top-level keys replaced (None removes the key)."""
    changed = copy.deepcopy(dict(base))
    for key, value in changes.items():
        if value is None:
            changed.pop(key, None)
        else:
            changed[key] = value
    return changed
