"""HTTP for campaigns: what people can write about."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Header

from app.campaigns import service
from app.campaigns.schemas import CampaignDetail, CampaignSummary
from app.deps import CampaignsDep
from app.problems import responses

router = APIRouter(prefix="/campaigns", tags=["campaigns"])
AcceptLanguage = Annotated[str | None, Header(include_in_schema=False)]


@router.get("", summary="The active campaigns")
async def list_campaigns(
    campaigns: CampaignsDep, accept_language: AcceptLanguage = None
) -> list[CampaignSummary]:
    """Campaigns taking letters now; titles in the best language of `Accept-Language`."""
    return service.active(campaigns, accept_language, datetime.now(UTC))


@router.get("/{campaign_id}", summary="One campaign, with its fields", responses=responses(404))
async def get_campaign(
    campaigns: CampaignsDep, campaign_id: str, accept_language: AcceptLanguage = None
) -> CampaignDetail:
    """A campaign (closed ones too) with the personalisation fields it accepts."""
    return service.detail(campaigns.get(campaign_id), accept_language, datetime.now(UTC))
