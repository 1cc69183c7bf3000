"""The no-JavaScript form's errors as pages: whoever posted an HTML form reads HTML.

The API answers problem+json. The embed form's routes answer the same status and headers
(`Retry-After`, `RateLimit-*`) with the embed page in the person's language, what they typed
still in the form. Every error such a route raises passes through here, its dependencies'
(the rate limit) included, so none reaches the person as JSON.
"""

from collections.abc import Callable, Coroutine, Mapping
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from app.campaigns.registry import CampaignRegistry
from app.errors import AppError, Gone, Unprocessable
from app.problems import validation_errors
from app.web import view
from app.web.form import FormProblem
from app.web.messages import BASE
from app.web.pages import Pages

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


class FormRoute(APIRoute):
    """A route a browser posts a form to: its errors are answered as pages."""

    def get_route_handler(self) -> Handler:
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            try:
                return await handler(request)
            except FormProblem as problem:
                return await error_page(request, _unprocessable(problem.fields), problem.fields)
            except RequestValidationError as error:
                fields = {e.field: e.message for e in validation_errors(error)}
                return await error_page(request, _unprocessable(fields), fields)
            except AppError as error:
                return await error_page(request, error)

        return answer


async def error_page(
    request: Request, error: AppError, fields: Mapping[str, str] | None = None
) -> Response:
    """The embed page with the form as posted and what went wrong; without a campaign to
    write to (unknown, ended), a page that says so."""
    pages: Pages = request.app.state.pages
    campaigns: CampaignRegistry = request.app.state.services.campaigns
    # FastAPI read the form before any dependency ran, and the request keeps it.
    form = view.posted_form(await request.form())
    campaign = campaigns.campaigns.get(request.path_params.get("campaign_id", ""))
    accept_language = request.headers.get("accept-language")
    if campaign is None or isinstance(error, Gone):
        offered = campaign.languages if campaign else pages.messages.languages
        language = pages.messages.language_for(form.lang, accept_language, offered, BASE)
        strings = pages.messages.strings(language)
        message = (
            view.come_back(strings, error, language)
            or strings["campaign_ended" if campaign else "campaign_missing"]
        )
        context: dict[str, Any] = {"message": message}
        return pages.render(request, "notice.html", language, context, error.status, error.headers)
    language = pages.messages.language_for(
        form.lang, accept_language, campaign.languages, campaign.default_language
    )
    strings = pages.messages.strings(language)
    context = {
        **view.embed(campaign, language, form),
        "errors": dict(fields or {}),
        "failure": None if fields else view.failure_text(strings, error, language),
    }
    return pages.render(request, "embed.html", language, context, error.status, error.headers)


def _unprocessable(fields: Mapping[str, str]) -> Unprocessable:
    return Unprocessable(f"{len(fields)} field(s) are not valid")
