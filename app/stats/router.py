"""HTTP for the public counters of a campaign."""

from fastapi import APIRouter

from app.deps import CampaignsDep, ResourcesDep
from app.letters.send_schemas import CampaignStats
from app.problems import responses
from app.stats.counters import totals

router = APIRouter(prefix="/campaigns", tags=["campaigns"])


@router.get(
    "/{campaign_id}/stats", summary="A campaign's public counters", responses=responses(404)
)
async def campaign_stats(
    campaign_id: str, campaigns: CampaignsDep, resources: ResourcesDep
) -> CampaignStats:
    """Letters composed, reported, sent and delivered, and by country; nothing personal.
    Composes and reports are written every few seconds, so they lag a little."""
    campaign = campaigns.get(campaign_id)
    async with resources.database.begin() as session:
        sums, by_country = await totals(session, campaign.id)
    return CampaignStats(**sums, by_country=by_country)
