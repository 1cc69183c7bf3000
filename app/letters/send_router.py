"""HTTP for sending through the platform: create, confirm, follow, erase, and report."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Header, Query, Response, status
from fastapi.responses import HTMLResponse

from app.deps import CampaignsDep, DirectoryDep, PartnerIdDep, ResourcesDep
from app.errors import AppError
from app.letters import sending
from app.letters.confirm_page import confirm_page
from app.letters.pdf import Paper
from app.letters.printable import paper_for
from app.letters.printer import render_pdf_off_loop
from app.letters.router import PDF_ANSWER, ContextDep, pdf_response
from app.letters.schemas import ReportedRequest
from app.letters.send_schemas import (
    ConfirmAnswer,
    ConfirmRequest,
    LetterState,
    SendAccepted,
    SendRequest,
)
from app.letters.status import read
from app.letters.stored_pdf import stored_printable
from app.partners.rate_deps import ComposeRateLimit, SendRateLimit
from app.problems import responses

router = APIRouter(prefix="/letters", tags=["sending"])
IdempotencyKey = Annotated[
    str | None,
    Header(
        max_length=255,
        description="Any string: a repeat with the same key and body answers as the first "
        "time and sends nothing more; the same key with another body is 409.",
        examples=["3f1c2a9e-letter-1"],
    ),
]
AcceptLanguage = Annotated[str | None, Header(include_in_schema=False)]
HTML_PAGE = {"content": {"text/html": {}}, "description": "A page for the person"}


@router.post(
    "",
    summary="Send a letter through the platform (after the person confirms)",
    status_code=status.HTTP_202_ACCEPTED,
    responses=responses(404, 409, 410, 422, 429),
    dependencies=[SendRateLimit],  # partners: LETTERS_RATE_LIMIT_SEND per IP, or per key
)
async def send_letter(
    ctx: ContextDep, resources: ResourcesDep, partner_id: PartnerIdDep, body: SendRequest,
    idempotency_key: IdempotencyKey = None,
) -> SendAccepted:
    """Composes the letter and e-mails the person a confirmation link; nothing reaches the
    embassy before they open it (unless confirmation is switched off)."""
    key = None
    if idempotency_key is not None:
        key = sending.Idempotency(idempotency_key, partner_id or "", body.model_dump(mode="json"))
    answer = await sending.create(
        resources.database, ctx, body, resources.platform, resources.policy, partner_id, key
    )
    resources.worker.wakeup.set()
    return answer


@router.get(
    "/confirm",
    summary="Confirm a letter from the link in the e-mail (an HTML page)",
    response_class=HTMLResponse,
    responses={200: HTML_PAGE, 404: HTML_PAGE, 410: HTML_PAGE},
)
async def confirm_link(
    resources: ResourcesDep, directory: DirectoryDep,
    token: Annotated[str, Query(max_length=200, description="The token from the link.")],
    accept_language: AcceptLanguage = None,
) -> HTMLResponse:
    """What the person sees after clicking: the letter is queued, or why the link failed."""
    try:
        confirmed = await sending.confirm(
            resources.database, token, resources.platform, datetime.now(UTC)
        )
    except AppError as error:
        return confirm_page(resources.templates, None, accept_language, error.status)
    resources.worker.wakeup.set()
    embassy = directory.find(confirmed.embassy_id)
    return confirm_page(
        resources.templates, confirmed, accept_language, 200, embassy.name if embassy else None
    )


@router.post(
    "/confirm",
    summary="Confirm a letter with its token",
    responses=responses(404, 410, 422),
)
async def confirm_token(resources: ResourcesDep, body: ConfirmRequest) -> ConfirmAnswer:
    """For front-ends that show their own page: the token from the link queues the letter."""
    confirmed = await sending.confirm(
        resources.database, body.token, resources.platform, datetime.now(UTC)
    )
    resources.worker.wakeup.set()
    return confirmed.answer


@router.post(
    "/reported",
    summary="Count a letter the person sent themselves",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=responses(404, 422),
)
async def reported(
    body: ReportedRequest, campaigns: CampaignsDep, directory: DirectoryDep,
    resources: ResourcesDep, partner_id: PartnerIdDep,
) -> Response:
    """Counted for the campaign's stats (by the embassy's country); nothing personal kept."""
    campaigns.get(body.campaign_id)
    embassy = directory.get(body.embassy_id)
    resources.pending.count("reported", body.campaign_id, embassy.country, partner_id,
                            datetime.now(UTC).date())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{letter_id}", summary="Follow a letter", responses=responses(404))
async def letter_status(
    letter_id: str, resources: ResourcesDep, directory: DirectoryDep
) -> LetterState:
    """Its status, every status it went through, and its embassy."""
    return await read(resources.database, directory, letter_id, datetime.now(UTC))


@router.get(
    "/{letter_id}/pdf",
    summary="The person's own letter as a printable PDF (the link in a bounce notice)",
    response_class=Response,
    responses={**PDF_ANSWER, **responses(404, 422, 429)},
    dependencies=[ComposeRateLimit],  # rendering costs what POST /v1/letters/pdf costs
)
async def stored_letter_pdf(
    letter_id: str, resources: ResourcesDep, directory: DirectoryDep,
    token: Annotated[str, Query(
        max_length=200, description="The token from the link in the notice e-mail.",
        examples=["hV3q0m5bXo7kQ2cZ4yJ9uR1tW8eA6sD0fG3hK5lN7pM"],
    )],
    paper: Annotated[Paper | None, Query(
        description="`a4` or `letter`; default by the embassy's country (the person's own "
        "is not kept)",
    )] = None,
) -> Response:
    """Only the link in the bounce or failure notice opens it, and only while the letter
    keeps the person's data (`LETTERS_RETENTION_DAYS`; erasing it ends the link). A wrong
    token, an unknown letter and an erased one are the same 404."""
    now = datetime.now(UTC)
    letter, embassy = await stored_printable(
        resources.database, directory, letter_id, token, now.date()
    )
    pdf = await render_pdf_off_loop(letter, paper or paper_for(embassy.country))
    return pdf_response(pdf, embassy.id)


@router.delete(
    "/{letter_id}",
    summary="Erase the person's data from a letter now",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=responses(404),
)
async def erase_letter(letter_id: str, resources: ResourcesDep) -> Response:
    """Name, address and text are gone at once; the bare status (`erased`) stays."""
    await sending.erase(resources.database, letter_id, datetime.now(UTC))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
