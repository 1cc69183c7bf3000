"""The embed page's errors as pages: whoever opens it or posts its form reads HTML.

The API answers problem+json. The embed routes (the page and its no-JavaScript form) answer
the same status and headers (`Retry-After`, `RateLimit-*`) with a page in the person's
language: the embed page with what they typed still in the form, or, without a campaign to
write to, a page that says so. Every error such a route raises passes through here, its
dependencies' (the rate limit) included, so none reaches a browser as JSON; a client whose
Accept asks for JSON gets the problem+json the API would answer.
"""

from collections.abc import Callable, Coroutine, Mapping
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from app.deps import services_of
from app.errors import AppError, FieldError, Gone, Unprocessable
from app.problems import validation_errors
from app.web import view
from app.web.accept import wants_json
from app.web.form import FormProblem
from app.web.messages import BASE
from app.web.pages import Pages

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


class FormRoute(APIRoute):
    """A route a browser opens or posts a form to: its errors are answered as pages."""

    def get_route_handler(self) -> Handler:
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            try:
                return await handler(request)
            except FormProblem as problem:
                return await _refusal(request, _unprocessable(problem.fields), problem.fields)
            except RequestValidationError as error:
                fields = {e.field: e.message for e in validation_errors(error)}
                return await _refusal(request, _unprocessable(fields), fields)
            except AppError as error:
                return await _refusal(request, error)

        return answer


async def _refusal(
    request: Request, error: AppError, fields: Mapping[str, str] | None = None
) -> Response:
    """The page; or, for a client whose Accept asks for JSON, the error raised again for
    app.problems to answer as the API does."""
    if wants_json(request.headers.get("accept")):
        raise error
    return await error_page(request, error, fields)


async def error_page(
    request: Request, error: AppError, fields: Mapping[str, str] | None = None
) -> Response:
    """The embed page with the form as posted and what went wrong; without a campaign to
    write to (unknown, ended), a page that says so."""
    pages: Pages = request.app.state.pages
    campaigns = services_of(request).campaigns
    # FastAPI read a posted form before any dependency ran, and the request keeps it; the
    # page itself (GET) carries only its query (`lang`).
    fields_sent = request.query_params if request.method == "GET" else await request.form()
    form = view.posted_form(fields_sent)
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
    return Unprocessable.for_fields(
        [FieldError(field, message) for field, message in fields.items()]
    )
