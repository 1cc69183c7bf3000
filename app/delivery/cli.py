"""`python -m app worker` (a delivery worker on its own), the bounce counts that
`embassies check` shows and `embassies health [--clear ADDRESS]`: the command-line edges of
delivery."""

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


HEALTH_HELP = """\
The bounces the platform recorded per embassy address (only permanent ones are recorded).
An address with a bounce on record is never chosen by compose nor sent to by the platform.
Once a source confirms that it works again, --clear puts it back in use: POST /v1/letters
at once, compose within LETTERS_COUNTERS_FLUSH_SECONDS (its copy in memory). Reads
LETTERS_DATABASE_URL."""


def add_health_parser(
    embassies: "argparse._SubParsersAction[argparse.ArgumentParser]",
) -> None:
    health = embassies.add_parser(
        "health", help="list the embassy addresses that bounced, or clear one",
        description=HEALTH_HELP, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    health.add_argument(
        "--clear", action="append", metavar="ADDRESS", default=[],
        help="forget the bounces of this address, in any case (repeatable); an address with "
        "none on record is an error",
    )
    health.set_defaults(run=_health)


def _health(args: argparse.Namespace) -> int:
    return asyncio.run(_health_command(Settings().database_url, args.clear))


async def _health_command(url: str, addresses: list[str]) -> int:
    from app.db.database import Database
    from app.db.migrate import migrate
    from app.delivery.address_health import bounced_addresses, clear
    from app.errors import NotFound

    database = Database.connect(url)
    try:
        await migrate(database)
        if not addresses:
            async with database.begin() as session:
                print("\n".join(health_lines(await bounced_addresses(session))))
            return 0
        async with database.begin() as session:  # all or none: a typo clears nothing
            found = {address: await clear(session, address) for address in addresses}
            unknown = [address for address, health in found.items() if health is None]
            if unknown:
                raise NotFound(f"No bounce is recorded for {', '.join(unknown)} "
                               "(see `embassies health`); nothing was cleared.")
        for health in filter(None, found.values()):
            print(f"cleared: {_line(health)}")
        return 0
    finally:
        await database.dispose()


def _worker(_: argparse.Namespace) -> int:
    from app import logs
    from app.db.migrate import upgraded_before_start

    settings = Settings()
    logs.configure(settings.log_level, settings.log_format)  # ops: JSON lines, as serve
    if not upgraded_before_start(settings.database_url):
        return 1
    asyncio.run(run_worker(settings))
    return 0


async def run_worker(settings: Settings) -> None:
    """Sends until SIGTERM or SIGINT, then lets the sends in flight finish."""
    from app.directory.directory import Directory
    from app.resources import opened

    # Only the directory: a worker needs no gazetteer and no campaign templates.
    directory = Directory.load(settings.directory_path, settings.directory_overrides)
    metrics = _worker_metrics(settings)
    async with opened(settings, directory, metrics=metrics) as resources:
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
    return health_lines(found)


def health_lines(found: list[AddressHealth]) -> list[str]:
    return [f"address health (bounces recorded by the platform): {len(found)} addresses",
            *(f"  - {_line(health)}" for health in found)]


def _line(health: AddressHealth) -> str:
    when = health.last_bounce_at.date().isoformat() if health.last_bounce_at else "?"
    return (f"{health.address} ({health.embassy_id}): {health.bounces} bounces, "
            f"last {when}: {health.last_reason or ''}").rstrip(": ")


async def _bounces(url: str) -> list[AddressHealth]:
    from app.db.database import Database
    from app.delivery.address_health import bounced_addresses

    database = Database.connect(url)
    try:
        async with database.begin() as session:
            return await bounced_addresses(session)
    finally:
        await database.dispose()
