"""Every campaign, loaded and checked once at start-up; read-only afterwards."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import MappingProxyType

from app.campaigns.loader import CAMPAIGN_FILE, CampaignConfigError, load_campaign
from app.campaigns.models import Campaign
from app.campaigns.templating import make_environment
from app.errors import NotFound

__all__ = ["CampaignConfigError", "CampaignRegistry"]


@dataclass(frozen=True, slots=True)
class CampaignRegistry:
    campaigns: Mapping[str, Campaign]

    @classmethod
    def load(cls, folder: Path) -> "CampaignRegistry":
        """Every `<id>/campaign.toml` under `folder`; a broken campaign stops the start-up."""
        if not folder.is_dir():
            raise CampaignConfigError(f"{folder}: the campaigns folder does not exist")
        # One sandbox for all campaigns: templates keep a reference to it, nothing else does.
        env = make_environment()
        campaigns: dict[str, Campaign] = {}
        for path in sorted(folder.iterdir()):
            if not path.is_dir() or path.name.startswith((".", "_")):
                continue  # README.md, editor and cache folders
            if not (path / CAMPAIGN_FILE).is_file():
                raise CampaignConfigError(f"{path.name}/: a campaign folder needs {CAMPAIGN_FILE}")
            campaigns[path.name] = load_campaign(path, env)
        return cls(MappingProxyType(campaigns))

    def get(self, campaign_id: str) -> Campaign:
        campaign = self.campaigns.get(campaign_id)
        if campaign is None:
            raise NotFound(f"There is no campaign {campaign_id!r}.")
        return campaign

    def all(self) -> tuple[Campaign, ...]:
        """Every campaign, closed ones too, by id."""
        return tuple(self.campaigns[key] for key in sorted(self.campaigns))

    def open_at(self, now: datetime) -> tuple[Campaign, ...]:
        """The campaigns taking letters at `now`."""
        return tuple(c for c in self.all() if c.is_open(now))
