"""What the app opens at start-up and closes at shutdown: the database, the provider with
its pooled HTTP client, the mail templates, the in-memory counters, the delivery worker.

`Services` is the loaded, immutable data; `Resources` are the live parts beside it. Both
are made in the lifespan (or by `python -m app worker`) and handed on through app.deps.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import structlog

from app.db.database import Database
from app.db.migrate import migrate
from app.delivery.address_health import BouncedAddresses
from app.delivery.dispatch import Dispatch, Pacing
from app.delivery.provider import Provider
from app.delivery.providers.pool import pooled_client
from app.delivery.providers.sns import SnsCertificates
from app.delivery.registry import make_provider
from app.delivery.worker import Worker, WorkerConfig
from app.directory.directory import Directory
from app.letters.mail_templates import MailTemplates
from app.letters.sending import Policy
from app.letters.stored import Platform
from app.metrics import Metrics
from app.settings import Settings
from app.stats.counters import PendingCounts, flush

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Resources:
    database: Database
    provider: Provider
    templates: MailTemplates
    platform: Platform
    policy: Policy
    pending: PendingCounts
    worker: Worker
    bounced: BouncedAddresses
    certificates: SnsCertificates  # SNS's, for SES webhooks


def platform_of(settings: Settings) -> Platform:
    return Platform(settings.from_email, settings.from_name, settings.public_url,
                    settings.redirect_all_to)


def worker_config(settings: Settings) -> WorkerConfig:
    return WorkerConfig(
        concurrency=settings.worker_concurrency,
        lease=timedelta(seconds=settings.worker_lease_seconds),
        poll=settings.worker_poll_seconds,
        max_attempts=settings.max_attempts,
        sweep_every=settings.sweep_interval_seconds,
        retention=timedelta(days=settings.retention_days),
        ledger=settings.acceptance_ledger,
    )


@contextlib.asynccontextmanager
async def opened(
    settings: Settings, directory: Directory, provider: Provider | None = None,
    metrics: Metrics | None = None,
) -> AsyncIterator[Resources]:
    """Everything live, migrated and ready; closed in reverse order on the way out.
    With `metrics`, every provider call is timed and its failures counted (ops)."""
    database = Database.connect(settings.database_url)
    http = pooled_client(settings.worker_concurrency * 2, settings.provider_timeout)
    chosen = provider or make_provider(settings, http)
    if metrics is not None:
        chosen = metrics.observed(chosen)
    try:
        await migrate(database)
        templates, platform = MailTemplates(), platform_of(settings)
        pacing = Pacing(settings.embassy_daily_limit, settings.embassy_office_hours_only)
        dispatch = Dispatch(database, directory, platform, templates, pacing)
        bounced = BouncedAddresses()
        await bounced.refresh(database)
        worker = Worker(database, chosen, dispatch, worker_config(settings))
        try:
            yield Resources(
                database=database, provider=chosen, templates=templates, platform=platform,
                policy=Policy(settings.require_confirmation,
                              timedelta(hours=settings.confirmation_ttl_hours)),
                pending=PendingCounts(), worker=worker, bounced=bounced,
                certificates=SnsCertificates(http),
            )
        finally:
            worker.close()
    finally:
        await chosen.aclose()
        await http.aclose()
        await database.dispose()


async def flush_every(resources: Resources, seconds: float, stop: asyncio.Event) -> None:
    """Write the in-memory counts every `seconds`, and once more when stopped; reload the
    addresses that bounced hard as often."""
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=seconds)
        try:
            await flush(resources.database, resources.pending)
        except Exception as error:  # kept in memory for the next try
            log.warning("counters_flush_failed", error_type=type(error).__name__)
        try:
            await resources.bounced.refresh(resources.database)
        except Exception as error:  # the last set stays in use
            log.warning("bounced_reload_failed", error_type=type(error).__name__)


@contextlib.asynccontextmanager
async def running(resources: Resources, settings: Settings) -> AsyncIterator[None]:
    """The background tasks of `serve`: the counters flush, and the worker if in-process."""
    stop = asyncio.Event()
    tasks = [asyncio.create_task(flush_every(resources, settings.counters_flush_seconds, stop))]
    if settings.worker_in_process:
        tasks.append(asyncio.create_task(resources.worker.run(stop)))
    try:
        yield
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
