"""Reading one campaign folder (campaign.toml + <lang>.toml) into a checked `Campaign`.

Everything a campaign author can get wrong is caught here, at start-up, with the file and
key named: a service that starts has only letters it can render.
"""

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar, cast

from jinja2.sandbox import ImmutableSandboxedEnvironment

from app.campaigns.models import Campaign, CampaignStatus, FieldSpec, LanguageText, Wording
from app.campaigns.templating import TemplateCheckError, check_wording, compile_wording

T = TypeVar("T")

CAMPAIGN_FILE = "campaign.toml"
CAMPAIGN_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANGUAGE_FILE = re.compile(r"^[a-z]{2}\.toml$")
KNOWN_FIELDS = frozenset({"name", "city", "personal_note", "gender"})
_CONFIG_KEYS = frozenset(
    {
        "id",
        "status",
        "starts_at",
        "ends_at",
        "default_language",
        "editable",
        "platform_send",
        "fields",
    }
)
_TEXT_KEYS = frozenset(
    {"title", "summary", "subjects", "greetings", "paragraphs", "closings", "note_intro"}
)
_FIELD_KEYS = frozenset({"required", "max_length", "options"})
# The least variety that keeps thousands of letters from being byte-identical.
MINIMUMS: Mapping[str, int] = MappingProxyType(
    {"subjects": 5, "greetings": 3, "wordings": 3, "closings": 3, "note_intro": 3}
)


class CampaignConfigError(ValueError):
    """A campaign folder that cannot be served; the message names the file and the key."""


def load_campaign(folder: Path, env: ImmutableSandboxedEnvironment) -> Campaign:
    config_file = folder / CAMPAIGN_FILE
    label = f"{folder.name}/{CAMPAIGN_FILE}"
    config = read_toml(config_file, label)
    _no_unknown_keys(config, _CONFIG_KEYS, label)
    campaign_id = _get(config, "id", str, label)
    if campaign_id != folder.name or not CAMPAIGN_ID.match(campaign_id):
        raise CampaignConfigError(
            f"{label}: key 'id': {campaign_id!r} must equal the folder name {folder.name!r} "
            "(lowercase ascii letters, digits and '-')"
        )
    fields = _fields(config.get("fields", {}), label)
    gender = fields.get("gender")
    genders = (gender.options or ()) if gender else ()
    texts = {
        path.stem: load_language(path, f"{folder.name}/{path.name}", env, genders)
        for path in _language_files(folder)
    }
    default = _get(config, "default_language", str, label)
    if default not in texts:
        raise CampaignConfigError(
            f"{label}: key 'default_language': {default!r} has no {default}.toml in the folder"
        )
    starts_at, ends_at = _life(config, label)
    return Campaign(
        id=campaign_id,
        status=_status(config, label),
        starts_at=starts_at,
        ends_at=ends_at,
        default_language=default,
        editable=_get(config, "editable", bool, label),
        platform_send=_optional_bool(config, "platform_send", True, label),
        fields=MappingProxyType(fields),
        texts=MappingProxyType(texts),
    )


def load_language(
    path: Path, label: str, env: ImmutableSandboxedEnvironment, genders: tuple[str, ...]
) -> LanguageText:
    data = read_toml(path, label)
    _no_unknown_keys(data, _TEXT_KEYS, label)
    lists = _Lists(env, label, genders)
    paragraphs = _get(data, "paragraphs", list, label)
    if not paragraphs:
        raise CampaignConfigError(f"{label}: key 'paragraphs': at least one paragraph")
    return LanguageText(
        language=path.stem,
        title=_text(data, "title", label),
        summary=_text(data, "summary", label),
        subjects=lists.compile("subjects", data.get("subjects"), one_line=True),
        greetings=lists.compile("greetings", data.get("greetings"), one_line=True),
        paragraphs=tuple(
            lists.compile(f"paragraphs[{i}].wordings", _paragraph(p, i, label), one_line=False)
            for i, p in enumerate(paragraphs)
        ),
        closings=lists.compile("closings", data.get("closings"), one_line=True),
        note_intros=lists.compile("note_intro", data.get("note_intro"), one_line=True),
    )


@dataclass(frozen=True, slots=True)
class _Lists:
    """Compiles and checks one language file's lists of wordings."""

    env: ImmutableSandboxedEnvironment
    label: str
    genders: tuple[str, ...]

    def compile(self, key: str, value: object, one_line: bool) -> tuple[Wording, ...]:
        minimum = MINIMUMS[key.rsplit(".", 1)[-1]]
        sources = _strings(value, key, minimum, self.label)
        if len(set(sources)) != len(sources):
            raise CampaignConfigError(f"{self.label}: key {key!r}: the same wording twice")
        compiled = []
        for index, source in enumerate(sources):
            where = f"{self.label}: {key}[{index}]"
            try:
                wording = compile_wording(self.env, where, source)
                check_wording(wording, self.genders, one_line)
            except TemplateCheckError as error:
                raise CampaignConfigError(str(error)) from error
            compiled.append(wording)
        return tuple(compiled)


def read_toml(path: Path, label: str) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as error:
        raise CampaignConfigError(f"{label}: missing") from error
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise CampaignConfigError(f"{label}: cannot be read as TOML: {error}") from error


def _language_files(folder: Path) -> list[Path]:
    files = sorted(p for p in folder.glob("*.toml") if p.name != CAMPAIGN_FILE)
    for path in files:
        if not LANGUAGE_FILE.match(path.name):
            raise CampaignConfigError(
                f"{folder.name}/{path.name}: a language file is named by its 2-letter "
                "BCP 47 primary tag in lowercase, e.g. en.toml"
            )
    return files


def _fields(raw: object, label: str) -> dict[str, FieldSpec]:
    if not isinstance(raw, dict):
        raise CampaignConfigError(f"{label}: key 'fields': must be a table")
    return {name: _field(name, spec, f"{label}: key 'fields.{name}'") for name, spec in raw.items()}


def _field(name: str, spec: object, where: str) -> FieldSpec:
    if name not in KNOWN_FIELDS:
        known = ", ".join(sorted(KNOWN_FIELDS))
        raise CampaignConfigError(f"{where}: unknown field; known: {known}")
    if not isinstance(spec, dict):
        raise CampaignConfigError(f"{where}: must be a table")
    _no_unknown_keys(spec, _FIELD_KEYS, where)
    required = spec.get("required", False)
    max_length = spec.get("max_length")
    options = spec.get("options")
    if not isinstance(required, bool):
        raise CampaignConfigError(f"{where}: 'required' must be true or false")
    if max_length is not None and (type(max_length) is not int or max_length < 1):
        raise CampaignConfigError(f"{where}: 'max_length' must be a positive integer")
    if options is not None:
        options = tuple(_strings(options, "options", 1, where))
    return FieldSpec(required=required, max_length=max_length, options=options)


def _paragraph(item: object, index: int, label: str) -> object:
    if not isinstance(item, dict) or set(item) != {"wordings"}:
        raise CampaignConfigError(
            f"{label}: key 'paragraphs[{index}]': must be a table with only 'wordings'"
        )
    return item["wordings"]


def _status(config: Mapping[str, Any], label: str) -> CampaignStatus:
    status = _get(config, "status", str, label)
    if status not in ("active", "closed"):
        raise CampaignConfigError(f"{label}: key 'status': must be 'active' or 'closed'")
    return cast(CampaignStatus, status)


def _moment(value: object, where: str) -> datetime:
    # A bare date or a local date-time means UTC: the campaign file has no other zone.
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=UTC)
    raise CampaignConfigError(f"{where}: must be a TOML date-time, e.g. 2021-04-01T00:00:00Z")


def _life(config: Mapping[str, Any], label: str) -> tuple[datetime, datetime | None]:
    starts_at = _moment(_get(config, "starts_at", object, label), f"{label}: key 'starts_at'")
    raw_end = config.get("ends_at")
    ends_at = None if raw_end is None else _moment(raw_end, f"{label}: key 'ends_at'")
    if ends_at is not None and ends_at <= starts_at:
        raise CampaignConfigError(f"{label}: key 'ends_at': must be after starts_at")
    return starts_at, ends_at


def _text(data: Mapping[str, Any], key: str, label: str) -> str:
    value = _get(data, key, str, label).strip()
    if not value:
        raise CampaignConfigError(f"{label}: key {key!r}: must not be empty")
    return value


def _strings(value: object, key: str, minimum: int, label: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CampaignConfigError(f"{label}: key {key!r}: must be a list of strings")
    if len(value) < minimum:
        raise CampaignConfigError(
            f"{label}: key {key!r}: at least {minimum} wordings, found {len(value)}"
        )
    return cast(list[str], value)


def _get(data: Mapping[str, Any], key: str, kind: type[T], label: str) -> T:
    if key not in data:
        raise CampaignConfigError(f"{label}: key {key!r}: missing")
    value = data[key]
    if not isinstance(value, kind):
        raise CampaignConfigError(f"{label}: key {key!r}: must be a {kind.__name__}")
    return value


def _optional_bool(data: Mapping[str, Any], key: str, default: bool, label: str) -> bool:
    return _get(data, key, bool, label) if key in data else default


def _no_unknown_keys(data: Mapping[str, Any], known: frozenset[str], label: str) -> None:
    unknown = sorted(set(data) - known)
    if unknown:
        raise CampaignConfigError(
            f"{label}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
        )
