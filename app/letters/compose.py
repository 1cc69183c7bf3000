"""compose(): lookup + render + links. Pure: no I/O, the clock passed in."""

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import NamedTuple

from app.campaigns.edit import apply_edit
from app.campaigns.language import negotiate
from app.campaigns.models import Campaign, Letter, SenderInput
from app.campaigns.registry import CampaignRegistry
from app.campaigns.render import render
from app.directory.directory import Directory
from app.directory.models import Embassy
from app.directory.policy import choose
from app.errors import Unprocessable
from app.geo.locate import LocationQuery, locate
from app.geo.resolve import Geo
from app.letters.country_names import country_name
from app.letters.link_plan import LinkPlan, plan_links
from app.letters.links import Links as LinkUrls
from app.letters.links import build_links
from app.letters.other_ways import bounced_warning, dated_warning, no_email_warning, other_ways
from app.letters.recipients import MailPolicy, Recipients, recipients
from app.letters.schemas import (
    ComposeRequest,
    ComposeResponse,
    Fallback,
    Links,
    OtherWay,
    PlatformSend,
    Warning,
)


class Context(NamedTuple):
    """What compose reads besides the request: the loaded data, the headers, the clock.
    A named tuple: the compose route builds one a request, and a frozen dataclass of seven
    fields cost ~15K instructions to build (callgrind), this ~8K."""

    geo: Geo
    directory: Directory
    campaigns: CampaignRegistry
    accept_language: str | None
    client_ip: str | None
    now: datetime
    mail: MailPolicy = MailPolicy()  # dated addresses, hard bounces (immutable: shared)


def recipient(ctx: Context, req: ComposeRequest) -> tuple[Embassy, str]:
    """`embassy_id` when given, else the policy's pick for where the person is."""
    if req.embassy_id:
        embassy = ctx.directory.get(req.embassy_id)
        if not embassy.is_open:
            raise Unprocessable.for_field(
                "embassy_id", f"{embassy.id} is {embassy.status}: letters cannot go there"
            )
        return embassy, "chosen by the sender"
    query = LocationQuery(
        lat=req.location.lat if req.location else None,
        lon=req.location.lon if req.location else None,
        country=req.sender.country,
        city=req.sender.city,
        ip=ctx.client_ip,
    )
    choice = choose(ctx.directory, locate(ctx.geo, query), "embassy", 1)[0]
    return choice.embassy, choice.reason


def letter_for(campaign: Campaign, language: str, req: ComposeRequest, embassy: Embassy) -> Letter:
    sender = req.sender
    letter = render(
        campaign,
        language,
        SenderInput(
            name=sender.name, city=sender.city, country=country_name(sender.country, language)
        ),
        embassy_city=embassy.city,
        embassy_country=country_name(embassy.country, language) or embassy.country,
        note=req.personal_note,
        variant=req.variant,
        signature=req.signature,
        gender=sender.gender,
        bilingual=req.bilingual,
        # Only a bilingual letter has a Russian half to name the countries in.
        russian_country_names=(
            country_name(sender.country, "ru"),
            country_name(embassy.country, "ru") or embassy.country,
        ) if req.bilingual else None,
    )
    return apply_edit(campaign, letter, req.subject, req.body)


def compose(ctx: Context, req: ComposeRequest) -> ComposeResponse:
    """The letter for this person, addressed to the right embassy, with its links."""
    return compose_parts(ctx, req).response()


def compose_parts(ctx: Context, req: ComposeRequest) -> "Composed":
    """`compose`, before its answer is built: the compose route writes the JSON from these."""
    campaign = ctx.campaigns.get(req.campaign_id)
    campaign.require_open(ctx.now)
    language = negotiate(
        req.language, ctx.accept_language, campaign.languages, campaign.default_language
    )
    embassy, reason = recipient(ctx, req)
    letter = letter_for(campaign, language, req, embassy)
    reached = reach(ctx.directory, embassy.id, ctx.mail, ctx.now.date())
    chosen = reached.chosen
    links = plan = None
    if chosen.to:
        links = build_links(chosen.to, letter.subject, letter.body, fixed=campaign.fixed_lines,
                            parts=letter.parts, known=letter.known)
        plan = plan_links(links, letter.body, letter.subject, chosen.to)
    platform = (
        campaign.platform_send and chosen.blocked is None,
        chosen.blocked if chosen.blocked else (None if campaign.platform_send else "campaign"),
    )
    return Composed(campaign.id, language, letter, campaign.fixed_lines, embassy, reason,
                    reached, links, plan, platform)


@dataclass(frozen=True, slots=True)
class Reach:
    """How a letter reaches one embassy: the addresses it goes to, the warnings about them,
    the other ways in. Nothing of the person's is in it."""

    chosen: Recipients
    notes: tuple[Warning, ...]  # about the addresses; "no e-mail on file" when none is used
    other_ways: tuple[OtherWay, ...]


@lru_cache(maxsize=1024)
def reach(directory: Directory, embassy_id: str, policy: MailPolicy, today: date) -> Reach:
    """The same for every letter to that embassy on that day under that policy: worked out
    once (the pydantic models of the other ways and warnings were a tenth of a compose).
    Keyed by the directory itself (compared by identity), so a reloaded one has its own."""
    embassy = directory.get(embassy_id)
    chosen = recipients(embassy, policy, today)
    notes = _address_warnings(embassy, chosen)
    if not chosen.to and not notes:
        notes = [no_email_warning(embassy)]
    ways = other_ways(directory, embassy, reachable=bool(chosen.to))
    return Reach(chosen, tuple(notes), tuple(ways))


def _address_warnings(embassy: Embassy, chosen: Recipients) -> list[Warning]:
    notes = [dated_warning(embassy, a, chosen.blocked != "email_dated") for a in chosen.dated]
    if chosen.bounced:
        notes.append(bounced_warning(embassy, chosen.bounced))
    return notes


class Composed(NamedTuple):
    """A composed letter in the shapes compose works it out in. `response()` is the answer;
    its pydantic models (the links, warnings and the answer itself) were a sixth of a
    compose request, so the compose route writes the same JSON straight from these
    (app/letters/answer.py). A named tuple: built every letter, cheaper than a dataclass."""

    campaign_id: str
    language: str
    letter: Letter
    fixed: frozenset[str]  # the campaign's own lines (Campaign.fixed_lines)
    embassy: Embassy
    reason: str
    reach: Reach
    links: LinkUrls | None  # None: no e-mail on file
    plan: LinkPlan | None  # with the links
    platform: tuple[bool, str | None]  # send_by_platform's possible and reason

    def response(self) -> ComposeResponse:
        reached, letter, plan = self.reach, self.letter, self.plan
        links, warnings, fallback = Links(mailto=None), list(reached.notes), None
        if self.links is not None and plan is not None:
            links = Links(**self.links.as_dict())
            warnings += [Warning(code=w.code, message=w.message, links=list(w.links),
                                 clients=list(w.clients)) for w in plan.warnings]
            if plan.fallback:
                fallback = Fallback(mailto=plan.fallback.mailto, text=plan.fallback.text)
        possible, why_not = self.platform
        return ComposeResponse(
            campaign_id=self.campaign_id,
            language=self.language,
            variant=letter.variant,
            embassy=self.embassy,
            reason=self.reason,
            to=list(reached.chosen.to),
            subject=letter.subject,
            body=letter.body,
            links=links,
            warnings=warnings,
            fallback=fallback,
            other_ways=list(reached.other_ways),
            send_by_platform=PlatformSend(possible=possible, reason=why_not),
        )
