"""Fixtures: a small demo campaign (en + ru) loaded from a temporary folder."""

from pathlib import Path

import pytest

from app.campaigns.models import Campaign
from app.campaigns.registry import CampaignRegistry

from .campaign_factory import write_campaign


@pytest.fixture
def campaign(tmp_path: Path) -> Campaign:
    return CampaignRegistry.load(write_campaign(tmp_path)).get("demo")


@pytest.fixture(scope="module")
def shared_campaign(tmp_path_factory: pytest.TempPathFactory) -> Campaign:
    """For Hypothesis tests, which must not use function-scoped fixtures."""
    root = tmp_path_factory.mktemp("campaigns")
    return CampaignRegistry.load(write_campaign(root)).get("demo")
