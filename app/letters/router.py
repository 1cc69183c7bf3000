"""HTTP for letters: compose (stateless) and the printable PDF."""

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from app import json_body
from app.deps import client_ip_of, partner_id_of, resources_of, services_of
from app.headers import header
from app.letters.answer import answer_json
from app.letters.compose import Context, compose, compose_parts
from app.letters.pdf import Paper
from app.letters.printable import paper_for, printable
from app.letters.printer import render_pdf_off_loop
from app.letters.recipients import mail_policy
from app.letters.schemas import ComposeRequest, ComposeResponse
from app.partners.rate_deps import ComposeRateLimit, compose_limit
from app.problems import responses
from app.resources import Resources

router = APIRouter(prefix="/letters", tags=["letters"])


def context_of(request: Request) -> Context:
    """What compose reads besides the body. The services read directly, not a dependency per
    part: each one FastAPI solves costs every request (see app/deps.py)."""
    return _context_with(request, resources_of(request))


def _context_with(request: Request, resources: Resources) -> Context:
    # `resources` passed in: the compose route counts the letter there too, and reads the
    # app's state once for both.
    services = services_of(request)
    return Context(
        geo=services.geo,
        directory=services.directory,
        campaigns=services.campaigns,
        accept_language=header(request, "accept-language"),
        client_ip=client_ip_of(request),
        now=datetime.now(UTC),
        mail=mail_policy(services.settings, resources.bounced.addresses),
    )


async def _context(request: Request) -> Context:
    return context_of(request)


ContextDep = Annotated[Context, Depends(_context)]


@router.post(
    "/compose",
    summary="Compose a letter and the links that send it",
    response_model=ComposeResponse,
    responses=responses(404, 410, 422, 429),
    openapi_extra=json_body.documented(ComposeRequest),
)
async def compose_letter(request: Request) -> Response:
    """The letter in the person's language, addressed to the right embassy. Nothing is stored."""
    # The hot path reads its body, limit and context itself (app/json_body.py says why), in
    # FastAPI's order: malformed JSON, then the rate limit (bad fields are counted), then
    # the fields. The partner key is checked before, by the app's own dependency.
    received = await json_body.read_json(request)
    await compose_limit(request)
    body = json_body.validated(ComposeRequest, received)
    resources = resources_of(request)
    ctx = _context_with(request, resources)
    composed = compose_parts(ctx, body)
    # Counted in memory (flushed every few seconds): no database write on this hot path.
    resources.pending.count(
        "composed", composed.campaign_id, composed.embassy.country, partner_id_of(request),
        ctx.now.date(),
    )
    # As FastAPI serializes the response model, without building it (app/letters/answer.py);
    # the answer is ours, so it is not re-validated.
    return Response(answer_json(composed), media_type="application/json")


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
    pdf = await render_pdf_off_loop(
        printable(body, composed, ctx.now.date()), paper or paper_for(body.sender.country)
    )
    return pdf_response(pdf, composed.embassy.id)
