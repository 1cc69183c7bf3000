"""create_app(): routers, middleware, lifespan; nothing else."""

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from functools import partial

from fastapi import Depends, FastAPI

from app import __version__, openapi, problems
from app.campaigns.router import router as campaigns_router
from app.delivery.provider import Provider
from app.delivery.webhook_router import router as webhooks_router
from app.directory.router import router as embassies_router
from app.health import router as health_router
from app.letters.router import router as letters_router
from app.letters.send_router import router as sending_router
from app.memory import collect_as_usual, give_back_free_heap
from app.metrics import Metrics
from app.metrics_router import router as metrics_router
from app.metrics_source import letter_snapshot
from app.middleware.body_limit import BodyLimit
from app.middleware.request_context import RequestContext, RouteTemplates
from app.partners import setup as partners_setup
from app.partners.deps import current_partner
from app.partners.store import source as partner_source
from app.resources import opened, running
from app.services import Services
from app.settings import Settings
from app.stats.router import router as stats_router
from app.web.pages import Pages
from app.web.router import install as install_web

DESCRIPTION = """
Find the Russian embassy that should receive a person's appeal for a political prisoner,
compose the letter in their language, and hand back links that open it ready to send.
Errors are RFC 9457 problem details (`application/problem+json`).
"""


def create_app(
    settings: Settings | None = None,
    services: Services | None = None,
    provider: Provider | None = None,
) -> FastAPI:
    """The application. `services` lets tests share one loaded directory and gazetteer;
    `provider` replaces the one LETTERS_EMAIL_PROVIDER names (tests)."""
    settings = settings or (services.settings if services else Settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Given services keep their loaded data but take these settings (a database per test).
        loaded = replace(services, settings=settings) if services else Services.load(settings)
        app.state.services = loaded
        # The database (migrated), provider, counters and the in-process worker.
        metrics: Metrics = app.state.metrics
        async with (
            opened(settings, loaded.directory, provider, metrics) as resources,
            running(resources, settings),
        ):
            app.state.resources = resources
            metrics.watch_letters(partial(letter_snapshot, resources.database))  # ops
            app.state.pages = Pages.load()  # web: templates and UI strings
            await partners.start(partner_source(resources.database))  # partners: table, limits
            # Everything loaded so far lives as long as the process: keep it out of the
            # collector's full passes, which otherwise walk the directory and gazetteer and
            # stopped every request for ~0.5 s under load. Thawed when the app stops, so an
            # app that ends before its process (tests) leaves nothing uncollectable behind.
            gc.freeze()
            collect_as_usual()  # serve collected rarely while it loaded (app/memory.py)
            give_back_free_heap()  # what loading freed, see app/memory.py
            try:
                yield
            finally:
                gc.unfreeze()
                await partners.stop()

    app = FastAPI(
        title="Embassy letters",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        # Every request with an X-API-Key is attributed to its partner (401 if wrong).
        dependencies=[Depends(current_partner)],
    )
    problems.install(app)
    openapi.install(app)
    _install_body_limit(app, settings)  # ops: inside CORS, so a 413 reaches a partner's page
    partners = partners_setup.install(app, settings)
    app.include_router(health_router)
    # Compose, the hot route, next: a request walks the routes in this order until one
    # matches, and each it passes costs it (matching compose came after seven others).
    app.include_router(letters_router, prefix="/v1")
    app.include_router(embassies_router, prefix="/v1")
    app.include_router(campaigns_router, prefix="/v1")
    # Sending through the platform
    app.include_router(sending_router, prefix="/v1")
    app.include_router(stats_router, prefix="/v1")
    app.include_router(webhooks_router, prefix="/v1")
    install_web(app)  # web: widget.js, /embed/{id}, the demo page, /static
    _install_operations(app, settings)
    return app


def _install_body_limit(app: FastAPI, settings: Settings) -> None:
    """Bodies over the limit get 413 before anything reads them (ops)."""
    app.add_middleware(
        BodyLimit,
        limit=settings.max_body_bytes,
        overrides=[("/v1/webhooks/", settings.max_webhook_body_bytes)],
    )


def _install_operations(app: FastAPI, settings: Settings) -> None:
    """Metrics, request ids and access logs (ops): added last, so it runs first."""
    app.state.metrics = Metrics()
    app.include_router(metrics_router)
    app.add_middleware(RequestContext, metrics=app.state.metrics, routes=RouteTemplates(app))
