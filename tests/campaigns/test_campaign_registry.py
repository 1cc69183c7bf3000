"""Loading campaign folders: a broken campaign stops the start-up, naming file and key."""

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from app.campaigns import service
from app.campaigns.loader import CampaignConfigError
from app.campaigns.registry import CampaignRegistry
from app.errors import NotFound

from .campaign_factory import CONFIG, EN, RU, variation, write_campaign


def test_loads_every_campaign_folder_and_skips_files(tmp_path: Path) -> None:
    write_campaign(tmp_path)
    write_campaign(tmp_path, variation(CONFIG, id="other-one"), {"en": EN})
    (tmp_path / "README.md").write_text("not a campaign", encoding="utf-8")
    (tmp_path / ".cache").mkdir()
    registry = CampaignRegistry.load(tmp_path)
    assert [c.id for c in registry.all()] == ["demo", "other-one"]
    assert registry.get("other-one").languages == ("en",)


def test_unknown_campaign_is_not_found(tmp_path: Path) -> None:
    registry = CampaignRegistry.load(write_campaign(tmp_path))
    with pytest.raises(NotFound):
        registry.get("nope")


def test_open_at_lists_only_open_campaigns(tmp_path: Path) -> None:
    write_campaign(tmp_path)
    write_campaign(tmp_path, variation(CONFIG, id="shut", status="closed"), {"en": EN})
    registry = CampaignRegistry.load(tmp_path)
    assert [c.id for c in registry.open_at(datetime(2025, 1, 1, tzinfo=UTC))] == ["demo"]


def test_missing_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CampaignConfigError, match="does not exist"):
        CampaignRegistry.load(tmp_path / "missing")


def test_dates_without_zone_mean_utc(tmp_path: Path) -> None:
    config = variation(CONFIG, starts_at=datetime(2021, 4, 1), ends_at=date(2030, 1, 1))
    write_campaign(tmp_path, config, {"en": EN})
    campaign = CampaignRegistry.load(tmp_path).get("demo")
    assert campaign.starts_at == datetime(2021, 4, 1, tzinfo=UTC)
    assert campaign.ends_at == datetime.combine(date(2030, 1, 1), datetime.min.time(), UTC)


def test_platform_send_is_on_unless_the_campaign_turns_it_off(tmp_path: Path) -> None:
    write_campaign(tmp_path)
    write_campaign(tmp_path, variation(CONFIG, id="own-mailbox", platform_send=False))
    registry = CampaignRegistry.load(tmp_path)
    assert registry.get("demo").platform_send is True
    assert registry.get("own-mailbox").platform_send is False
    now = datetime(2025, 1, 1, tzinfo=UTC)
    assert service.detail(registry.get("own-mailbox"), None, now).platform_send is False
    assert service.detail(registry.get("demo"), None, now).platform_send is True


def _paragraphs(*counts: int) -> list[dict[str, list[str]]]:
    return [{"wordings": [f"P{p} w{w}." for w in range(n)]} for p, n in enumerate(counts)]


BROKEN_TEXTS: list[tuple[str, dict[str, Any], str]] = [
    ("too few subjects", variation(EN, subjects=["a", "b", "c", "d"]), r"en\.toml.*'subjects'.*5"),
    ("too few greetings", variation(EN, greetings=["a", "b"]), r"'greetings'.*at least 3"),
    ("too few wordings", variation(EN, paragraphs=_paragraphs(3, 2)), r"paragraphs\[1\]\.wordings"),
    ("too few closings", variation(EN, closings=["a", "b"]), r"'closings'"),
    ("too few note intros", variation(EN, note_intro=["a"]), r"'note_intro'"),
    ("no paragraphs", variation(EN, paragraphs=[]), r"'paragraphs'"),
    ("paragraphs missing", variation(EN, paragraphs=None), r"'paragraphs': missing"),
    ("no title", variation(EN, title=None), r"'title': missing"),
    ("misspelt key", variation(EN, note_intros=["a", "b", "c"]), r"unknown key.*note_intros"),
    ("not strings", variation(EN, closings=[1, 2, 3]), r"'closings': must be a list of strings"),
    ("duplicate", variation(EN, closings=["a", "a", "b"]), r"'closings'.*twice"),
    (
        "bad syntax",
        variation(EN, greetings=["Dear {{ embassy.city ,", "b", "c"]),
        r"en\.toml: greetings\[0\]: does not compile",
    ),
    (
        "unclosed block",
        variation(EN, closings=["{% if gender %}Yours,", "b", "c"]),
        r"closings\[0\]: does not compile",
    ),
    (
        "unknown variable",
        variation(EN, subjects=["{{ prisoner }}", "b", "c", "d", "e"]),
        r"subjects\[0\]: unknown variable\(s\) prisoner",
    ),
    (
        "unknown attribute under strict undefined",
        variation(EN, subjects=["For {{ sender.town }}", "b", "c", "d", "e"]),
        r"subjects\[0\]: does not render.*town",
    ),
    (
        "sandbox escape",
        variation(EN, greetings=["{{ embassy.city.__class__.__mro__ }}", "b", "c"]),
        r"greetings\[0\]: does not render",
    ),
    (
        "empty wording",
        variation(EN, greetings=["{% if sender.city %}Hi{% endif %}", "b", "c"]),
        r"greetings\[0\]: renders empty with sender\.city=None",
    ),
    (
        "multi-line subject",
        variation(EN, subjects=["a\nb", "b", "c", "d", "e"]),
        r"subjects\[0\]: must render to a single line",
    ),
    (
        "leftover markup",
        variation(EN, closings=["{{ '{{' }} x", "b", "c"]),
        r"closings\[0\]: leaves template markup",
    ),
]


@pytest.mark.parametrize(
    ("text", "message"), [(t, m) for _, t, m in BROKEN_TEXTS], ids=[i for i, _, _ in BROKEN_TEXTS]
)
def test_broken_language_file_fails_loudly(
    tmp_path: Path, text: dict[str, Any], message: str
) -> None:
    write_campaign(tmp_path, texts={"en": text, "ru": RU})
    with pytest.raises(CampaignConfigError, match=message):
        CampaignRegistry.load(tmp_path)


def test_a_gender_the_template_cannot_render_fails(tmp_path: Path) -> None:
    # Each gender option is tried at load: a template broken for one of them cannot ship.
    text = variation(EN, greetings=["{{ {'feminine': 'Madam,'}[gender] }}", "b", "c"])
    write_campaign(tmp_path, texts={"en": text})
    with pytest.raises(CampaignConfigError, match=r"greetings\[0\]: does not render"):
        CampaignRegistry.load(tmp_path)


BROKEN_CONFIGS: list[tuple[str, dict[str, Any], str]] = [
    ("id differs from folder", variation(CONFIG, id="other"), r"'id'.*folder name 'demo'"),
    ("bad status", variation(CONFIG, status="paused"), r"'status'"),
    ("no default language file", variation(CONFIG, default_language="de"), r"de\.toml"),
    ("editable not bool", variation(CONFIG, editable="yes"), r"'editable': must be a bool"),
    (
        "platform_send not bool",
        variation(CONFIG, platform_send="no"),
        r"'platform_send': must be a bool",
    ),
    ("starts_at not a date", variation(CONFIG, starts_at="soon"), r"'starts_at'"),
    ("ends before it starts", variation(CONFIG, ends_at=date(2020, 1, 1)), r"'ends_at'"),
    ("unknown key", variation(CONFIG, title="x"), r"campaign\.toml: unknown key\(s\) title"),
    (
        "unknown field",
        variation(CONFIG, fields={"name": {"required": True}, "note": {"max_length": 5}}),
        r"fields\.note': unknown field",
    ),
    (
        "bad limit",
        variation(CONFIG, fields={"name": {"max_length": 0}}),
        r"fields\.name'.*max_length",
    ),
]


@pytest.mark.parametrize(
    ("config", "message"),
    [(c, m) for _, c, m in BROKEN_CONFIGS],
    ids=[i for i, _, _ in BROKEN_CONFIGS],
)
def test_broken_campaign_file_fails_loudly(
    tmp_path: Path, config: dict[str, Any], message: str
) -> None:
    write_campaign(tmp_path, config, folder="demo")
    with pytest.raises(CampaignConfigError, match=message):
        CampaignRegistry.load(tmp_path)


@pytest.mark.parametrize("name", ["english", "EN", "eng", "en-GB"])
def test_language_files_are_two_letter_tags(tmp_path: Path, name: str) -> None:
    write_campaign(tmp_path, texts={"en": EN, name: EN})
    with pytest.raises(CampaignConfigError, match=rf"{name}\.toml: a language file"):
        CampaignRegistry.load(tmp_path)


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    write_campaign(tmp_path, texts={"en": EN, "ru": "title = \n"})
    with pytest.raises(CampaignConfigError, match=r"demo/ru\.toml: cannot be read as TOML"):
        CampaignRegistry.load(tmp_path)


def test_folder_without_campaign_file_fails(tmp_path: Path) -> None:
    (tmp_path / "stray").mkdir()
    with pytest.raises(CampaignConfigError, match=r"stray/: a campaign folder needs campaign"):
        CampaignRegistry.load(tmp_path)
