"""HTTP for people: the widget script, the embed page and its no-JavaScript form, the demo."""

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Form, Header, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from app.deps import CampaignsDep, SettingsDep
from app.letters.compose import compose
from app.letters.printable import paper_for, printable
from app.letters.printer import render_pdf_off_loop
from app.letters.router import PDF_ANSWER, ContextDep, pdf_response
from app.partners.rate_deps import ComposeRateLimit
from app.problems import responses
from app.web import view
from app.web.form import EmbedForm, compose_request
from app.web.form_route import FormRoute
from app.web.pages import STATIC, Pages
from app.web.schemas import WidgetConfig

router = APIRouter(tags=["web"])
# The embed page and its no-JavaScript form: every error answered as a page (form_route.py).
form_router = APIRouter(tags=["web"], route_class=FormRoute)
AcceptLanguage = Annotated[str | None, Header(include_in_schema=False)]
FormDep = Annotated[EmbedForm, Form()]
HTML_EXAMPLE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/html": {"example": "<!doctype html><html>…</html>"}}}
}


def _page_or_problem(status: int, description: str) -> dict[str, Any]:
    """A refusal answered as a page, or as problem+json to a client whose Accept asks."""
    problem = responses(status)[status]["content"]
    return {"description": description, "content": {**HTML_EXAMPLE[200]["content"], **problem}}


# The page's and the form's refusals, each answered as a page (the 429 with its Retry-After).
PAGE_ERRORS: dict[int | str, dict[str, Any]] = {
    404: _page_or_problem(404, "No such campaign: a page that says so"),
    410: _page_or_problem(410, "The campaign has ended: a page that says so"),
}
FORM_ERRORS: dict[int | str, dict[str, Any]] = {
    status: _page_or_problem(status, description)
    for status, description in {
        404: "No such campaign, or no such mission (the form says which)",
        410: "The campaign has ended",
        422: "A field is not valid: the form again, the field marked",
        429: "Over the compose rate limit: the form again, saying when to try again",
    }.items()
}


async def get_pages(request: Request) -> Pages:
    pages: Pages = request.app.state.pages
    return pages


PagesDep = Annotated[Pages, Depends(get_pages)]


@router.get(
    "/", summary="The demo page for partners", response_class=HTMLResponse, responses=HTML_EXAMPLE
)
async def demo_page(
    request: Request,
    pages: PagesDep,
    campaigns: CampaignsDep,
    settings: SettingsDep,
    lang: str | None = None,
    accept_language: AcceptLanguage = None,
) -> HTMLResponse:
    """How to put the widget on a page, with the snippet to copy and the widget working."""
    language = pages.messages.language_for(lang, accept_language, pages.messages.languages, "en")
    context = view.demo(campaigns.open_at(datetime.now(UTC)), settings.public_url, language)
    return pages.render(request, "demo.html", language, context)


@router.get(
    "/widget.js",
    summary="The <embassy-letter> web component",
    response_class=Response,
    responses={200: {"content": {"text/javascript": {"example": "class EmbassyLetter"}}}},
)
async def widget_js() -> FileResponse:
    """A dependency-free script: `<embassy-letter campaign="ID">`; no build step needed."""
    return FileResponse(
        STATIC / "widget.js",
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "public, max-age=300"},
    )


@router.get("/widget/config.json", summary="The widget's words and the platform's sender")
async def widget_config(request: Request, pages: PagesDep, settings: SettingsDep) -> WidgetConfig:
    """Fetched once by each widget; nothing in it is personal."""
    return WidgetConfig(
        languages=list(pages.messages.languages),
        messages={k: dict(v) for k, v in pages.messages.texts.items()},
        sending=_has_route(request, "/v1/letters"),
        reporting=_has_route(request, "/v1/letters/reported"),
        from_name=settings.from_name,
        from_email=settings.from_email,
    )


@form_router.get(
    "/embed/{campaign_id}",
    summary="The widget as a page for an <iframe>",
    response_class=HTMLResponse,
    responses={**HTML_EXAMPLE, **PAGE_ERRORS},
)
async def embed_page(
    request: Request,
    pages: PagesDep,
    campaigns: CampaignsDep,
    campaign_id: str,
    lang: str | None = None,
    accept_language: AcceptLanguage = None,
) -> HTMLResponse:
    """The form; the widget takes it over where scripts run, and it works where they do not.
    An unknown or ended campaign is a page that says so (problem+json if Accept asks)."""
    campaign = campaigns.get(campaign_id)
    campaign.require_open(datetime.now(UTC))
    language = pages.messages.language_for(
        lang, accept_language, campaign.languages, campaign.default_language
    )
    return pages.render(request, "embed.html", language, view.embed(campaign, language))


@form_router.post(
    "/embed/{campaign_id}",
    summary="The no-JavaScript form: compose and show links",
    response_class=HTMLResponse,
    responses={**HTML_EXAMPLE, **FORM_ERRORS},
    dependencies=[ComposeRateLimit],  # partners: the same allowance as POST /v1/letters/compose
)
async def embed_compose(
    request: Request, pages: PagesDep, ctx: ContextDep, campaign_id: str, form: FormDep
) -> HTMLResponse:
    """The letter, its links and the other ways in, as HTML; nothing about the person is kept."""
    campaign = ctx.campaigns.get(campaign_id)
    campaign.require_open(ctx.now)
    language = pages.messages.language_for(
        form.lang, ctx.accept_language, campaign.languages, campaign.default_language
    )
    # A FormProblem or an AppError becomes the form again, saying what went wrong (FormRoute).
    answer = compose(ctx, compose_request(campaign, form, language))
    context = {**view.embed(campaign, language, form), **view.result(answer)}
    return pages.render(request, "embed.html", language, context)


@form_router.post(
    "/embed/{campaign_id}/pdf",
    summary="The no-JavaScript form: the printable letter",
    response_class=Response,
    responses={**PDF_ANSWER, **FORM_ERRORS},
    dependencies=[ComposeRateLimit],  # partners: the same allowance as POST /v1/letters/pdf
)
async def embed_pdf(ctx: ContextDep, campaign_id: str, form: FormDep) -> Response:
    """The same letter as POST /v1/letters/pdf, from the form's fields."""
    campaign = ctx.campaigns.get(campaign_id)
    language = form.lang if form.lang in campaign.languages else campaign.default_language
    body = compose_request(campaign, form, language)  # its errors: pages, as above
    composed = compose(ctx, body)
    pdf = await render_pdf_off_loop(
        printable(body, composed, ctx.now.date()), paper_for(body.sender.country))
    return pdf_response(pdf, composed.embassy.id)


def _has_route(request: Request, path: str) -> bool:
    # The widget offers a button only where this service has the route behind it. The
    # OpenAPI document lists every operation (app.routes holds included routers lazily).
    paths: dict[str, Any] = request.app.openapi().get("paths", {})
    return "post" in paths.get(path, {})


def install(app: FastAPI) -> None:
    """The web routes and their static files; `app.state.pages` is set by the lifespan."""
    app.include_router(router)
    app.include_router(form_router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
