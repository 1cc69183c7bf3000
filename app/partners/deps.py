"""Dependencies: which partner (if any) is calling, and the rate limits routes attach."""

from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader

from app.partners.runtime import PartnerRuntime
from app.partners.snapshot import PartnerRecord

api_key = APIKeyHeader(
    name="X-API-Key",
    auto_error=False,
    scheme_name="PartnerKey",
    description="A partner's API key (`python -m app partners add`). Optional: without it a "
    "request is anonymous and rate limited per client IP; a wrong or revoked key is 401.",
)


def get_partners(request: Request) -> PartnerRuntime:
    partners: PartnerRuntime = request.app.state.partners
    return partners


PartnersDep = Annotated[PartnerRuntime, Depends(get_partners)]


def current_partner(
    partners: PartnersDep, key: Annotated[str | None, Security(api_key)]
) -> PartnerRecord | None:
    """The partner whose X-API-Key came with the request; None without one."""
    return partners.authenticate(key) if key else None


PartnerDep = Annotated[PartnerRecord | None, Depends(current_partner)]
