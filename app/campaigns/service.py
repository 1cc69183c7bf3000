"""Campaign use-cases for the router: the campaign as the person's language shows it."""

from datetime import datetime

from app.campaigns.language import best_match
from app.campaigns.models import FIELD_PATHS, Campaign
from app.campaigns.registry import CampaignRegistry
from app.campaigns.schemas import CampaignDetail, CampaignField, CampaignSummary


def summary(campaign: Campaign, accept_language: str | None, now: datetime) -> CampaignSummary:
    language = best_match(accept_language, campaign.languages) or campaign.default_language
    return CampaignSummary(
        id=campaign.id,
        title=campaign.title(language),
        summary=campaign.summary(language),
        language=language,
        languages=list(campaign.languages),
        default_language=campaign.default_language,
        status=campaign.status_at(now),
        starts_at=campaign.starts_at,
        ends_at=campaign.ends_at,
        editable=campaign.editable,
        platform_send=campaign.platform_send,
    )


def active(
    registry: CampaignRegistry, accept_language: str | None, now: datetime
) -> list[CampaignSummary]:
    return [summary(c, accept_language, now) for c in registry.open_at(now)]


def detail(campaign: Campaign, accept_language: str | None, now: datetime) -> CampaignDetail:
    fields = [
        CampaignField(
            name=FIELD_PATHS.get(name, name),
            required=spec.required,
            max_length=spec.max_length,
            options=list(spec.options) if spec.options else None,
        )
        for name, spec in campaign.fields.items()
    ]
    variants = {lang: campaign.text(lang).variant_count for lang in campaign.languages}
    base = summary(campaign, accept_language, now).model_dump()
    return CampaignDetail(**base, fields=fields, variants=variants)
