"""`python -m app worker` (a delivery worker on its own) and the bounce counts that
`embassies check` shows: the command-line edges of delivery."""

import argparse
import asyncio
import signal
from pathlib import Path
from typing import TYPE_CHECKING

import structlog
from sqlalchemy.engine import make_url

from app.delivery.address_health import AddressHealth
from app.settings import Settings

if TYPE_CHECKING:
    from app.metrics import Metrics

log = structlog.get_logger(__name__)


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    worker = commands.add_parser(
        "worker", help="run a delivery worker (settings from LETTERS_* variables)"
    )
    worker.set_defaults(run=_worker)


def _worker(_: argparse.Namespace) -> int:
    from app import logs

    settings = Settings()
    logs.configure(settings.log_level, settings.log_format)  # ops: JSON lines, as serve
    asyncio.run(run_worker(settings))
    return 0


async def run_worker(settings: Settings) -> None:
    """Sends until SIGTERM or SIGINT, then lets the sends in flight finish."""
    from app.resources import opened
    from app.services import Services

    services = Services.load(settings)
    metrics = _worker_metrics(settings)
    async with opened(services, metrics=metrics) as resources:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        log.info("worker_started", worker=resources.worker.name,
                 provider=resources.provider.name, concurrency=settings.worker_concurrency)
        await resources.worker.run(stop)
        log.info("worker_stopped", worker=resources.worker.name)


def _worker_metrics(settings: Settings) -> "Metrics | None":
    """Provider latency and errors of this worker on its own /metrics port, when one is set
    (letters and outbox figures come from the API's /metrics)."""
    from prometheus_client import start_http_server

    from app.metrics import Metrics

    if settings.worker_metrics_port is None:
        return None
    metrics = Metrics()
    start_http_server(settings.worker_metrics_port, registry=metrics.registry)
    return metrics


def bounce_report(settings: Settings) -> list[str]:
    """Lines on the bounces recorded per embassy address, if there is a database to ask."""
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and not Path(url.database or "").is_file():
        return []  # no database yet: opening one would create it
    try:
        found = asyncio.run(_bounces(settings.database_url))
    except Exception as error:  # unreachable or not migrated: the check itself still stands
        return [f"address health: not read ({type(error).__name__})"]
    lines = [f"address health (bounces recorded by the platform): {len(found)} addresses"]
    for health in found:
        when = health.last_bounce_at.date().isoformat() if health.last_bounce_at else "?"
        lines.append(f"  - {health.address} ({health.embassy_id}): {health.bounces} bounces, "
                     f"last {when}: {health.last_reason or ''}".rstrip(": "))
    return lines


async def _bounces(url: str) -> list[AddressHealth]:
    from app.db.database import Database
    from app.delivery.address_health import bounced_addresses

    database = Database.connect(url)
    try:
        async with database.begin() as session:
            return await bounced_addresses(session)
    finally:
        await database.dispose()
