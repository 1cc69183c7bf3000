"""A campaign's life: open between its start and its end, unless closed by hand."""

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.campaigns.models import Campaign
from app.campaigns.registry import CampaignRegistry
from app.errors import Gone

from .campaign_factory import CONFIG, variation, write_campaign

NOW = datetime(2025, 6, 1, 12, tzinfo=UTC)


def test_active_campaign_without_end_is_open(campaign: Campaign) -> None:
    assert campaign.is_open(NOW)
    assert campaign.status_at(NOW) == "active"
    campaign.require_open(NOW)


def test_closed_status_is_closed_whatever_the_dates(campaign: Campaign) -> None:
    closed = replace(campaign, status="closed")
    assert not closed.is_open(NOW)
    assert closed.status_at(NOW) == "closed"
    with pytest.raises(Gone):
        closed.require_open(NOW)


def test_past_ends_at_is_closed(tmp_path: Path) -> None:
    config = variation(CONFIG, ends_at=datetime(2025, 1, 1, tzinfo=UTC))
    expired = CampaignRegistry.load(write_campaign(tmp_path, config)).get("demo")
    assert expired.ends_at == datetime(2025, 1, 1, tzinfo=UTC)
    assert not expired.is_open(NOW)
    assert expired.is_open(datetime(2024, 12, 31, 23, 59, tzinfo=UTC))
    assert not expired.is_open(datetime(2025, 1, 1, tzinfo=UTC))  # the end is exclusive


def test_not_yet_started_is_not_open(campaign: Campaign) -> None:
    assert not campaign.is_open(datetime(2020, 1, 1, tzinfo=UTC))


def test_naive_now_is_read_as_utc(campaign: Campaign) -> None:
    assert campaign.is_open(datetime(2025, 6, 1, 12))


def test_campaign_describes_itself(campaign: Campaign) -> None:
    assert campaign.languages == ("en", "ru")
    assert campaign.default_language == "en"
    assert campaign.title("ru") == "Свободу"
    assert campaign.summary("en") == "Write to the embassy."
    name = campaign.field("name")
    assert name is not None and name.required and name.max_length == 100
    gender = campaign.field("gender")
    assert gender is not None and gender.options == ("feminine", "masculine")
    assert campaign.text("en").radices == (5, 3, 3, 3, 3, 3)
    assert campaign.text("en").variant_count == 5 * 3**5
