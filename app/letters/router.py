"""HTTP for letters: compose (stateless) and the printable PDF."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query
from fastapi.responses import Response

from app.deps import (
    CampaignsDep,
    ClientIpDep,
    DirectoryDep,
    GeoDep,
    PartnerIdDep,
    ResourcesDep,
    SettingsDep,
)
from app.letters.compose import Context, compose
from app.letters.pdf import Paper, render_pdf
from app.letters.printable import paper_for, printable
from app.letters.recipients import mail_policy
from app.letters.schemas import ComposeRequest, ComposeResponse
from app.partners.rate_deps import ComposeRateLimit
from app.problems import responses

router = APIRouter(prefix="/letters", tags=["letters"])


def _context(
    geo: GeoDep,
    directory: DirectoryDep,
    campaigns: CampaignsDep,
    ip: ClientIpDep,
    settings: SettingsDep,
    resources: ResourcesDep,
    accept_language: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Context:
    return Context(
        geo=geo,
        directory=directory,
        campaigns=campaigns,
        accept_language=accept_language,
        client_ip=ip,
        now=datetime.now(UTC),
        mail=mail_policy(settings, resources.bounced.addresses),
    )


ContextDep = Annotated[Context, Depends(_context)]


@router.post(
    "/compose",
    summary="Compose a letter and the links that send it",
    responses=responses(404, 410, 422, 429),
    dependencies=[ComposeRateLimit],
)
async def compose_letter(
    ctx: ContextDep, body: ComposeRequest, resources: ResourcesDep, partner_id: PartnerIdDep
) -> ComposeResponse:
    """The letter in the person's language, addressed to the right embassy. Nothing is stored."""
    composed = compose(ctx, body)
    # Counted in memory (flushed every few seconds): no database write on this hot path.
    resources.pending.count(
        "composed", composed.campaign_id, composed.embassy.country, partner_id, ctx.now.date()
    )
    return composed


@router.post(
    "/pdf",
    summary="The letter as a printable PDF",
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {}}, "description": "A printable letter"},
        **responses(404, 410, 422, 429),
    },
    dependencies=[ComposeRateLimit],
)
async def letter_pdf(
    ctx: ContextDep,
    body: ComposeRequest,
    paper: Annotated[
        Paper | None, Query(description="`a4` or `letter`; default by the sender's country")
    ] = None,
) -> Response:
    """The same letter with the embassy's postal address placed for a window envelope."""
    composed = compose(ctx, body)
    pdf = render_pdf(
        printable(body, composed, ctx.now.date()), paper or paper_for(body.sender.country)
    )
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="letter-{composed.embassy.id}.pdf"',
        },
    )
