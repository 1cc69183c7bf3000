"""Dependencies: which partner (if any) is calling, and the rate limits routes attach.

`async def` though nothing awaits: a plain `def` would cost every request a worker-thread
hop (see app/deps.py); the key check is one HMAC on data held in memory.
"""

from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader

from app.partners.runtime import PartnerRuntime
from app.partners.snapshot import PartnerRecord
from app.request_state import once_per_request

API_KEY_HEADER = "X-API-Key"
api_key = APIKeyHeader(
    name=API_KEY_HEADER,
    auto_error=False,
    scheme_name="PartnerKey",
    description="A partner's API key (`python -m app partners add`). Optional: without it a "
    "request is anonymous and rate limited per client IP; a wrong or revoked key is 401.",
)


def partners_of(request: Request) -> PartnerRuntime:
    """The partner runtime; a plain function where a sub-dependency would cost every request."""
    partners: PartnerRuntime = request.app.state["partners"]  # as in app.deps.services_of
    return partners


async def get_partners(request: Request) -> PartnerRuntime:
    return partners_of(request)


PartnersDep = Annotated[PartnerRuntime, Depends(get_partners)]


def partner_of(request: Request) -> PartnerRecord | None:
    """The partner whose X-API-Key came with the request; None without one, 401 if wrong.

    Worked out once per request and kept on `request.state`. The rate limit and the partner
    id call this instead of depending on `current_partner`: FastAPI walks every
    sub-dependency on every use, cached or not, and that walk was most of a compose request.
    """
    return once_per_request(request, "partner", lambda: _partner(request))


def _partner(request: Request) -> PartnerRecord | None:
    key = request.headers.get(API_KEY_HEADER) or None  # as APIKeyHeader(auto_error=False)
    return partners_of(request).authenticate(key) if key else None


async def current_partner(
    request: Request, key: Annotated[str | None, Security(api_key)]
) -> PartnerRecord | None:
    """The partner whose X-API-Key came with the request; None without one.

    `key` declares the header for OpenAPI's security scheme; `partner_of` reads that header.
    """
    return partner_of(request)


PartnerDep = Annotated[PartnerRecord | None, Depends(current_partner)]
