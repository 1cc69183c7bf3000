"""problem+json (RFC 9457) for every error the service answers."""

from collections.abc import Mapping, Sequence
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as SqlAlchemyTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.errors import AppError, FieldError, fields_not_valid
from app.json_body import is_json

MEDIA_TYPE = "application/problem+json"
log = structlog.get_logger(__name__)


class ProblemFieldError(BaseModel):
    field: str = Field(examples=["sender.name"], description="The bad field, dotted.")
    message: str = Field(examples=["Field required"], description="What is wrong with it.")


class Problem(BaseModel):
    """An RFC 9457 problem detail."""

    type: str = Field(examples=["/problems/validation"], description="The kind of problem.")
    title: str = Field(examples=["The request is not valid"],
                       description="A short summary of the kind.")
    status: int = Field(examples=[422], description="The HTTP status.")
    detail: str = Field(examples=["1 field is not valid"],
                        description="What went wrong with this request.")
    errors: list[ProblemFieldError] = Field(
        default_factory=list, description="One entry per bad field (validation problems).")


def problem_response(
    status: int,
    title: str,
    detail: str,
    type_: str = "about:blank",
    errors: Sequence[FieldError] = (),
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body = Problem(
        type=type_,
        title=title,
        status=status,
        detail=detail,
        errors=[ProblemFieldError(field=e.field, message=e.message) for e in errors],
    )
    return JSONResponse(
        body.model_dump(),
        status_code=status,
        media_type=MEDIA_TYPE,
        headers=dict(headers) if headers else None,
    )


def _field_path(loc: Sequence[int | str]) -> str:
    # ("body", "sender", "name") -> "sender.name"; ("query", "lat") -> "lat"
    located = bool(loc) and loc[0] in ("body", "query", "path", "header")
    return ".".join(str(p) for p in (loc[1:] if located else loc)) or "body"


def validation_errors(exc: RequestValidationError) -> list[FieldError]:
    errors: list[FieldError] = []
    for err in exc.errors():
        message = str(err.get("msg", "Invalid value"))
        # pydantic prefixes messages from our own validators with "Value error, ".
        message = message.removeprefix("Value error, ")
        errors.append(FieldError(_field_path(err.get("loc", ())), message))
    return errors


async def _on_app_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return problem_response(
        exc.status, exc.title, exc.detail, exc.type, exc.errors, headers=exc.headers
    )


def _unsupported_media(request: Request, exc: RequestValidationError) -> bool:
    # FastAPI hands a JSON-body route the raw bytes when the content type is not JSON; the
    # error then sits at the body itself. Only JSON-body routes reach this, so form routes
    # (whose errors name a field) keep their 422.
    at_body = any(
        tuple(e.get("loc", ())) == ("body",) and e.get("type") != "missing" for e in exc.errors()
    )
    return at_body and not is_json(request.headers.get("content-type"))


async def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    if _unsupported_media(request, exc):
        return problem_response(
            415,
            "Unsupported media type",
            "Send the body as JSON with Content-Type: application/json.",
            "/problems/unsupported-media-type",
            headers={"Accept": "application/json"},
        )
    errors = validation_errors(exc)
    return problem_response(
        422,
        "The request is not valid",
        fields_not_valid(len(errors)),
        "/problems/validation",
        errors,
    )


HTTP_TITLES = {
    400: "Bad request",
    404: "Not found",
    405: "Method not allowed",
    413: "Content too large",
    415: "Unsupported media type",
}
# FastAPI answers 400 for a body it cannot parse: invalid UTF-8, nesting too deep for the
# JSON parser, an integer of thousands of digits.
HTTP_TYPES = {
    400: "/problems/malformed-body",
    413: "/problems/too-large",
    415: "/problems/unsupported-media-type",
}


async def _on_http(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    title = HTTP_TITLES.get(exc.status_code, "Error")
    detail = exc.detail if isinstance(exc.detail, str) else title
    type_ = HTTP_TYPES.get(exc.status_code, "about:blank")
    return problem_response(exc.status_code, title, detail, type_, headers=exc.headers)


# A database that went away (restart, failover, network) is a passing state, not a bug:
# 503 with Retry-After tells clients to come back, and nothing half-done was committed.
DATABASE_DOWN: tuple[type[Exception], ...] = (DBAPIError, SqlAlchemyTimeout, ConnectionError)


async def _on_database_down(_: Request, exc: Exception) -> JSONResponse:
    log.warning("database_unavailable", error_type=type(exc).__name__)
    return problem_response(
        503, "Service unavailable", "The database cannot be reached right now; try again "
        "shortly. Nothing from this request was saved.", "/problems/unavailable",
        headers={"Retry-After": "5"})


async def _on_unexpected(_: Request, exc: Exception) -> JSONResponse:
    # Never echo the exception: it may carry a person's data.
    log.error("unhandled_error", error_type=type(exc).__name__)
    return problem_response(500, "Internal server error", "Something went wrong on our side.")


def install(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _on_app_error)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    for down in DATABASE_DOWN:
        app.add_exception_handler(down, _on_database_down)
    app.add_exception_handler(Exception, _on_unexpected)


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries for the problems an operation declares, each with an
    example of the problem it answers."""
    return {s: _declared(s) for s in statuses}


_DECLARED: dict[int, tuple[str, str, str]] = {
    400: ("/problems/malformed-body", "Bad request", "There was an error parsing the body"),
    401: ("/problems/unauthorized", "Unauthorized", "The API key is not valid."),
    404: ("/problems/not-found", "Not found", "No embassy has the id 'xx-nowhere-embassy'."),
    409: ("/problems/conflict", "Conflict", "This Idempotency-Key was used with another body."),
    410: ("/problems/gone", "No longer available", "The campaign has ended."),
    413: ("/problems/too-large", "Body too large", "The body is larger than 65536 bytes."),
    415: ("/problems/unsupported-media-type", "Unsupported media type",
          "Send application/json."),
    422: ("/problems/validation", "The request is not valid", "1 field is not valid"),
    429: ("/problems/rate-limited", "Too many requests", "Try again in 30 seconds."),
    503: ("/problems/unavailable", "Service unavailable", "The database is not reachable."),
}


def _declared(status: int) -> dict[str, Any]:
    type_, title, detail = _DECLARED.get(status, ("about:blank", "Problem", "Problem"))
    example: dict[str, Any] = {"type": type_, "title": title, "status": status,
                               "detail": detail, "errors": []}
    if status == 422:
        example["errors"] = [{"field": "sender.name", "message": "Field required"}]
    schema = {"$ref": "#/components/schemas/Problem"}
    declared: dict[str, Any] = {"model": Problem, "description": title,
                                "content": {MEDIA_TYPE: {"schema": schema, "example": example}}}
    if status in (429, 503):
        declared["headers"] = _RETRY_HEADERS
    return declared


_RETRY_HEADERS = {
    "Retry-After": {
        "description": "Seconds to wait before trying again",
        "schema": {"type": "integer", "example": 30},
    },
}
