"""Everything loaded once at start-up, in one immutable object handed to the routers."""

from dataclasses import dataclass

from app.campaigns.registry import CampaignRegistry
from app.directory.directory import Directory
from app.geo.resolve import Geo
from app.settings import Settings


@dataclass(frozen=True, slots=True)
class Services:
    settings: Settings
    geo: Geo
    directory: Directory
    campaigns: CampaignRegistry

    @classmethod
    def load(cls, settings: Settings) -> "Services":
        return cls(
            settings=settings,
            geo=Geo.load(),
            directory=Directory.load(settings.directory_path, settings.directory_overrides),
            campaigns=CampaignRegistry.load(settings.templates_path),
        )
