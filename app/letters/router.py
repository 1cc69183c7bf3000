"""HTTP for letters: compose (stateless) and the printable PDF."""

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import Response

from app.deps import PartnerIdDep, ResourcesDep, client_ip_of, resources_of, services_of
from app.letters.compose import Context, compose
from app.letters.pdf import Paper, render_pdf
from app.letters.printable import paper_for, printable
from app.letters.recipients import mail_policy
from app.letters.schemas import ComposeRequest, ComposeResponse
from app.partners.rate_deps import ComposeRateLimit
from app.problems import responses

router = APIRouter(prefix="/letters", tags=["letters"])


async def _context(
    request: Request,
    accept_language: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Context:
    # The services read directly, not a dependency per part: each one FastAPI solves costs
    # every compose request (the hot path), see app/deps.py.
    services = services_of(request)
    return Context(
        geo=services.geo,
        directory=services.directory,
        campaigns=services.campaigns,
        accept_language=accept_language,
        client_ip=client_ip_of(request),
        now=datetime.now(UTC),
        mail=mail_policy(services.settings, resources_of(request).bounced.addresses),
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


PDF_ANSWER: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {}}, "description": "A printable letter"},
}


def pdf_response(pdf: bytes, embassy_id: str) -> Response:
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="letter-{embassy_id}.pdf"'},
    )


@router.post(
    "/pdf",
    summary="The letter as a printable PDF",
    response_class=Response,
    responses={**PDF_ANSWER, **responses(404, 410, 422, 429)},
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
    return pdf_response(pdf, composed.embassy.id)
