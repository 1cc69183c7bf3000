"""Wiring the partners into an app: one call from create_app, one pair in the lifespan."""

from fastapi import FastAPI

from app.partners.cors import PartnerCORS
from app.partners.framing import EmbedFraming
from app.partners.runtime import PartnerRuntime
from app.settings import Settings


def install(app: FastAPI, settings: Settings) -> PartnerRuntime:
    """Middleware for CORS and framing; the runtime they read is started by the lifespan."""
    runtime = PartnerRuntime(settings)
    app.state.partners = runtime
    app.add_middleware(EmbedFraming, ancestors=runtime.frame_ancestors)
    # Added last, so outermost: problem answers (401, 422, 429) carry CORS headers too.
    app.add_middleware(PartnerCORS, allows=runtime.allows_origin)
    return runtime
