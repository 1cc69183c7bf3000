"""Rate limits as route dependencies: `dependencies=[ComposeRateLimit]`, plus 429 in responses."""

from typing import Any

from fastapi import Depends, Request

from app.deps import ClientIpDep
from app.partners.deps import PartnerDep, partners_of
from app.partners.runtime import Scope


class RateLimit:
    """Counts the request under `scope` (per client IP, or per partner key); 429 when over."""

    def __init__(self, scope: Scope) -> None:
        self.scope: Scope = scope

    async def __call__(self, request: Request, ip: ClientIpDep, partner: PartnerDep) -> None:
        await partners_of(request).check_rate(self.scope, ip, partner)


ComposeRateLimit: Any = Depends(RateLimit("compose"))
SendRateLimit: Any = Depends(RateLimit("send"))
