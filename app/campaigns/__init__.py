"""Campaigns: the registry of campaign folders and the sandboxed rendering of their letters.

Pure core: no web framework, database or network; nothing is read after `CampaignRegistry.load`.
"""

from app.native import compiled_first

# Compiled copies of the hot modules, when built and current (app/native.py); before the
# imports below, which load some of them.
__path__ = compiled_first(__path__, __name__)

from app.campaigns.edit import apply_edit
from app.campaigns.language import negotiate
from app.campaigns.loader import CampaignConfigError
from app.campaigns.models import Campaign, FieldSpec, LanguageText, Letter, SenderInput
from app.campaigns.registry import CampaignRegistry
from app.campaigns.render import render
from app.campaigns.text import clean_line, clean_text

__all__ = [
    "Campaign",
    "CampaignConfigError",
    "CampaignRegistry",
    "FieldSpec",
    "LanguageText",
    "Letter",
    "SenderInput",
    "apply_edit",
    "clean_line",
    "clean_text",
    "negotiate",
    "render",
]
