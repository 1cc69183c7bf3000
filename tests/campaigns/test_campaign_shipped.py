"""The shipped campaigns (templates/letters/): every wording of every list of every language
renders, with and without a city, for every gender, without markup or holes."""

import re
from pathlib import Path

import pytest

from app.campaigns.models import Campaign, Letter, SenderInput
from app.campaigns.registry import CampaignRegistry
from app.campaigns.render import SEPARATOR, render
from app.campaigns.variant import number

SHIPPED = Path(__file__).resolve().parents[2] / "templates" / "letters"
REGISTRY = CampaignRegistry.load(SHIPPED)
CAMPAIGNS = REGISTRY.all()
MARKUP = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")
# Leftovers of a conditional that printed nothing: "from , " or "in ." or doubled spaces.
HOLES = re.compile(r"  | [,.!?)]|\(\s|\bNone\b")


def test_the_shipped_campaign_is_there() -> None:
    campaign = REGISTRY.get("navalny-appeal")
    assert set(campaign.languages) >= {"en", "ru"}
    assert campaign.default_language in campaign.languages


def _cases() -> list[tuple[Campaign, str]]:
    return [(c, lang) for c in CAMPAIGNS for lang in c.languages]


@pytest.mark.parametrize(
    ("campaign", "language"), _cases(), ids=[f"{c.id}-{lang}" for c, lang in _cases()]
)
def test_every_wording_renders_cleanly(campaign: Campaign, language: str) -> None:
    text = campaign.text(language)
    gender = campaign.field("gender")
    genders = [None, *(gender.options or ())] if gender else [None]
    # Index i on every list at once (wrapped): each wording of each list at least once.
    for i in range(max(text.radices)):
        variant = number([i % r for r in text.radices], text.radices)
        for city in (None, "Munich"):
            for choice in genders:
                for note in (None, "My own words.\n\nA second paragraph."):
                    letter = render(
                        campaign, language, SenderInput("Jane Doe", city, "Germany"),
                        "Berlin", "Germany", note=note, variant=variant, gender=choice,
                    )
                    assert letter.variant == variant
                    _assert_clean(letter, city, note)


def _assert_clean(letter: Letter, city: str | None, note: str | None) -> None:
    where = f"{letter.language} variant {letter.variant} city={city!r} note={bool(note)}"
    assert letter.subject.strip() and "\n" not in letter.subject, where
    for text in (letter.subject, letter.body):
        assert not MARKUP.search(text), f"{where}: template markup left in {text!r}"
        assert not HOLES.search(text.replace(" ?", "").replace(" !", "")), (
            f"{where}: a hole in {HOLES.search(text)!r}: {text!r}"
        )
    paragraphs = letter.body.split("\n\n")
    assert all(p.strip() for p in paragraphs), f"{where}: an empty paragraph"
    assert all(line == line.strip() for line in letter.body.split("\n")), where
    assert letter.body.endswith("Jane Doe\nMunich" if city else "Jane Doe"), where
    assert (note is not None) == ("My own words." in letter.body), where


@pytest.mark.parametrize("campaign", CAMPAIGNS, ids=[c.id for c in CAMPAIGNS])
def test_bilingual_and_initials_in_every_language(campaign: Campaign) -> None:
    if "ru" not in campaign.languages:
        pytest.skip("no Russian text")
    for language in campaign.languages:
        letter = render(
            campaign, language, SenderInput("Анна Петрова", "Москва"), "Berlin", "Германия",
            note="Свободу.", signature="initials", bilingual=True,
        )
        halves = letter.body.split(f"\n\n{SEPARATOR}\n\n")
        assert len(halves) == (1 if language == "ru" else 2)
        assert all(h.endswith("А. П.\nМосква") for h in halves)
        assert "Анна" not in letter.body
        assert (" / " in letter.subject) == (language != "ru")
