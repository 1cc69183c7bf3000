"""The one error family of the service.

Pure: the core raises these, `app.problems` renders them as RFC 9457 problem details.
Each class carries its own status, so a client can tell a typo (422) from a missing
record (404) without reading prose.
"""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldError:
    field: str
    message: str


class AppError(Exception):
    status: int = 400
    type: str = "about:blank"
    title: str = "Bad request"

    def __init__(self, detail: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []
        self.headers: dict[str, str] = {}  # sent with the problem (Retry-After, ...)


class NotFound(AppError):
    status = 404
    type = "/problems/not-found"
    title = "Not found"


class Unprocessable(AppError):
    status = 422
    type = "/problems/validation"
    title = "The request is not valid"

    @classmethod
    def for_field(cls, field: str, message: str) -> "Unprocessable":
        return cls(message, [FieldError(field, message)])

    @classmethod
    def for_fields(cls, errors: list[FieldError]) -> "Unprocessable":
        return cls(fields_not_valid(len(errors)), errors)


def fields_not_valid(count: int) -> str:
    """The detail of every validation problem, whichever check found it."""
    return f"{count} field is not valid" if count == 1 else f"{count} fields are not valid"


class UnresolvableLocation(Unprocessable):
    type = "/problems/unresolvable-location"
    title = "The location could not be resolved"


class Gone(AppError):
    status = 410
    type = "/problems/gone"
    title = "No longer available"


# --- Sending through the platform ---


class Conflict(AppError):
    status = 409
    type = "/problems/conflict"
    title = "Conflict"


class NoEmailOnFile(Unprocessable):
    """The platform cannot send to an embassy it has no e-mail address for."""

    type = "/problems/no-email-on-file"
    title = "The embassy has no e-mail address on file"


class EmailDated(Unprocessable):
    """The only address is dated and off the ministry's domain: a dead ISP mailbox bounces
    (the platform's reputation) and a reassigned one hands a stranger the person's name."""

    type = "/problems/email-dated"
    title = "The embassy's e-mail address is too old for the platform to send to"


class EmailBounced(Unprocessable):
    """Every address on file bounced hard: the platform does not send to it again."""

    type = "/problems/email-bounced"
    title = "The embassy's e-mail address bounced"


# --- Partners and embedding (app/partners) -------------------------------------------------
class Unauthorized(AppError):
    status = 401
    type = "/problems/unauthorized"
    title = "Not authorized"


class TooManyRequests(AppError):
    status = 429
    type = "/problems/rate-limited"
    title = "Too many requests"

    def __init__(self, detail: str, retry_after: int, limit: int) -> None:
        super().__init__(detail)
        self.headers = {
            "Retry-After": str(retry_after),
            "RateLimit-Limit": str(limit),
            "RateLimit-Remaining": "0",
            "RateLimit-Reset": str(retry_after),
        }


class Unavailable(AppError):
    status = 503
    type = "/problems/unavailable"
    title = "Temporarily unavailable"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.headers = {"Retry-After": str(retry_after)}
