"""Rate limits as route dependencies: `dependencies=[ComposeRateLimit]`, plus 429 in responses."""

from typing import Any

from fastapi import Depends, Request

from app.deps import client_ip_of
from app.partners.deps import partner_of, partners_of
from app.partners.runtime import Scope


class RateLimit:
    """Counts the request under `scope` (per client IP, or per partner key); 429 when over."""

    def __init__(self, scope: Scope) -> None:
        self.scope: Scope = scope

    async def __call__(self, request: Request) -> None:
        # Plain helpers, not sub-dependencies: see app.partners.deps.partner_of.
        runtime = partners_of(request)
        await runtime.check_rate(self.scope, client_ip_of(request), partner_of(request))


compose_limit = RateLimit("compose")  # also called directly by the compose route
ComposeRateLimit: Any = Depends(compose_limit)
SendRateLimit: Any = Depends(RateLimit("send"))
