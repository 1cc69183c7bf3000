"""What each page template is given: plain values, worked out here so templates stay dumb."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.campaigns.models import Campaign
from app.errors import AppError
from app.letters.dates import time_until
from app.letters.link_plan import letter_text
from app.letters.schemas import ComposeResponse, OtherWay
from app.web.form import LINK_ORDER, EmbedForm, too_long_links
from app.web.messages import fill

# The policy's reasons are English sentences; the common ones have the UI's own words.
REASON_KEYS = {
    "embassy in your country": "reason_resident",
    "chosen by the sender": "reason_chosen",
}


@dataclass(frozen=True, slots=True)
class LinkView:
    name: str  # mailto, gmail, outlook, yahoo: also the key of its label
    href: str
    too_long: bool


@dataclass(frozen=True, slots=True)
class CampaignView:
    id: str
    title: str
    summary: str
    editable: bool


def campaign_view(campaign: Campaign, language: str) -> CampaignView:
    return CampaignView(
        id=campaign.id,
        title=campaign.title(language),
        summary=campaign.summary(language),
        editable=campaign.editable,
    )


def demo(campaigns: Sequence[Campaign], public_url: str, language: str) -> dict[str, Any]:
    """The demo page: each open campaign, for the snippets that embed it from `public_url`."""
    return {
        "base_url": public_url.rstrip("/"),
        "campaigns": [
            campaign_view(c, language if language in c.languages else c.default_language)
            for c in campaigns
        ],
    }


def embed(campaign: Campaign, language: str, form: EmbedForm | None = None) -> dict[str, Any]:
    return {
        "campaign": campaign_view(campaign, language),
        "form": form or EmbedForm(),
        "errors": {},
        "failure": None,
        "answer": None,
    }


def result(answer: ComposeResponse) -> dict[str, Any]:
    """The compose answer as the page shows it: links, the text to paste, the other ways."""
    too_long = too_long_links(answer)
    links = [
        LinkView(name, href, name in too_long)
        for name in LINK_ORDER
        if (href := getattr(answer.links, name))
    ]
    return {
        "answer": answer,
        "links": links,
        "too_long": bool(too_long),
        "short_mailto": answer.fallback.mailto if answer.fallback else None,
        "letter_text": letter_text(answer.subject, answer.body),
        "signature": signature_of(answer.body),
        "reason_key": REASON_KEYS.get(answer.reason),
        "ways": _ways(answer.other_ways) if not answer.to else {},
        "dated": _dated(answer),
        "bounced": any(w.code == "email_bounced" for w in answer.warnings),
    }


def _dated(answer: ComposeResponse) -> dict[str, str] | None:
    """The address and year of an `email_dated` warning, for the page's own words."""
    if not answer.to or not any(w.code == "email_dated" for w in answer.warnings):
        return None
    address = answer.to[0]
    return {"address": address, "year": answer.embassy.email_dates.get(address, "")[:4]}


def signature_of(body: str) -> str:
    """The lines under the closing: what the letter is signed with, as the embassy reads it."""
    last = body.replace("\r\n", "\n").strip().split("\n\n")[-1].split("\n")
    return "\n".join(last[1:] if len(last) > 1 else last)


def _ways(ways: Sequence[OtherWay]) -> dict[str, Any]:
    # Only what exists: a kind missing from the answer shows nothing at all.
    return {
        "pdf": any(w.kind == "pdf" for w in ways),
        "address": next((w.address for w in ways if w.kind == "post" and w.address), None),
        "website": next((w.url for w in ways if w.kind == "website" and w.url), None),
        "missions": [w for w in ways if w.kind == "mission_email" and w.embassy_id],
    }


def posted_form(fields: Mapping[str, Any]) -> EmbedForm:
    """The form as it was posted, unchecked: an error page shows it again even when a field
    is what failed (too long, say)."""
    typed = {k: v for k, v in fields.items() if k in EmbedForm.model_fields and isinstance(v, str)}
    return EmbedForm.model_construct(None, **typed)


# Answers that say when to come back; the page says it in the person's words.
_COME_BACK = {429: "rate_limited", 503: "try_later"}


def failure_text(strings: Mapping[str, str], error: AppError, language: str) -> str:
    """What the page says about an error: when to try again where the answer says so."""
    return come_back(strings, error, language) or fill(strings["failed"], detail=error.detail)


def come_back(strings: Mapping[str, str], error: AppError, language: str) -> str | None:
    """`Try again in 2 minutes` in `language`, from the Retry-After seconds of a 429 or 503."""
    wait = error.headers.get("Retry-After", "")
    key = _COME_BACK.get(error.status)
    if key is None or not wait.isdigit():
        return None
    when = time_until(max(1, int(wait)), language)
    return fill(strings[key], when=when)
