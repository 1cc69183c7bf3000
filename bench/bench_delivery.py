"""Delivery throughput: one worker, built as `python -m app worker` builds it.

`python -m bench.bench_delivery [--letters 500] [--concurrency 32] [--database URL]`
prints letters per second with the concurrency used (and the bench process's CPU time per
letter, steadier on a shared machine), for two providers:

- `smtp`: the real SMTP adapter to an aiosmtpd relay on loopback (answers at once);
- `http-50ms`: the real Postmark adapter (through the provider registry and the pooled HTTP
  client) to the Postmark fake in its own process, answering every call after 50 ms, which
  is about what a provider's API takes. At concurrency c the ceiling is c / 0.05 letters/s.

Each runs on SQLite (a temporary file) and on PostgreSQL (a temporary database on
127.0.0.1:5432, user postgres; skipped with a note if the server is not there), unless
`--database` names one. Letters are stored as the send flow stores them (letter row + outbox
row), already confirmed, then one worker drains them; the time ends when the outbox is empty,
so every letter's sent state is committed.
"""

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from app.db.database import Database
from app.db.migrate import migrate
from app.db.models import LetterRow
from app.delivery import outbox
from app.directory.directory import Directory
from app.letters import repository
from app.letters.stored import Platform
from app.letters.tokens import new_letter_id, new_reference
from app.logs import configure
from app.resources import opened, platform_of
from app.settings import Settings
from tests.databases import admin, fresh_postgres
from tests.fakes.smtp_relay import RelayHandler, running_relay

HTTP_DELAY = 0.05  # seconds the fake provider takes to answer
POSTMARK_TOKEN = "pm-server-token"  # the fake's default credential


def _letter(platform: Platform, now: datetime, i: int) -> LetterRow:
    reference = new_reference()
    return LetterRow(
        id=new_letter_id(), campaign_id="navalny-appeal", embassy_id="ch-bern-embassy",
        country="CH", language="en", status="queued", sender_name=f"Person {i}",
        sender_email=f"person{i}@example.org", subject="An appeal",
        body="Dear Ambassador,\n\n" + "I write about a prisoner. " * 40 + f"\n\nPerson {i}\n",
        recipients=json.dumps(["embassy@embassy.example"]), cc_sender=False,
        message_id=platform.message_id(reference), reference=reference,
        created_at=now, expires_at=now,
    )


async def _store(settings: Settings, letters: int) -> None:
    database = Database.connect(settings.database_url)
    try:
        await migrate(database)
        now, platform = datetime.now(UTC), platform_of(settings)
        async with database.begin() as session:
            for i in range(letters):
                row = _letter(platform, now, i)
                await repository.add(session, row)
                await outbox.enqueue(session, row.id, "letter", row.reference or "", now)
    finally:
        await database.dispose()


async def measure(settings: Settings, letters: int) -> tuple[float, float]:
    """(seconds, CPU seconds of this process) for one worker (the settings' provider and
    concurrency) to send `letters`. The CPU figure is steadier on a shared machine; it
    counts the worker and its database threads, and the SMTP relay (which runs here)."""
    await _store(settings, letters)
    directory = Directory.load(settings.directory_path, settings.directory_overrides)
    watcher = create_async_engine(settings.database_url)  # the bench's own reads (_left)
    try:
        async with opened(settings, directory) as resources:
            stop = asyncio.Event()
            started, cpu = time.perf_counter(), time.process_time()
            running = asyncio.create_task(resources.worker.run(stop))
            while await _left(watcher):
                await asyncio.sleep(0.01)
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
            stop.set()
            await running
            return elapsed, cpu
    finally:
        await watcher.dispose()


LEFT = text("SELECT 1 FROM outbox LIMIT 1")


async def _left(watcher: AsyncEngine) -> bool:
    """Whether an outbox row is left: one plain read on a connection of the bench's own.
    Through the worker's Database it was a transaction (on SQLite BEGIN IMMEDIATE, the
    write lock) of two queries, 100 a second, that the worker's own writes queued behind,
    and its CPU counted as the worker's: ~0.2 ms per letter at 300 letters."""
    async with watcher.connect() as connection:
        return (await connection.execute(LEFT)).first() is not None


@contextmanager
def smtp_provider(letters: int) -> Iterator[dict[str, object]]:
    """Settings for the SMTP adapter to a loopback relay; checks every letter arrived once."""
    handler = RelayHandler()
    with running_relay(handler) as port:
        yield {"email_provider": "smtp", "smtp_host": "127.0.0.1", "smtp_port": port}
    assert len(handler.messages) == letters, "every letter reached the relay once"


@contextmanager
def postmark_provider(letters: int) -> Iterator[dict[str, object]]:
    """Settings for the Postmark adapter to the fake in its own process (no shared GIL)."""
    fake = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.provider_servers", "postmark",
         "--delay", str(HTTP_DELAY)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert fake.stdout is not None
        url = fake.stdout.readline().strip()
        yield {"email_provider": "postmark", "postmark_base_url": url,
               "postmark_server_token": POSTMARK_TOKEN}
    finally:
        fake.terminate()
        said, _ = fake.communicate(timeout=30)
    assert f"accepted {letters}" in said, f"every letter reached the fake once: {said!r}"


PROVIDERS: dict[str, Callable[[int], AbstractContextManager[dict[str, object]]]] = {
    "smtp": smtp_provider,
    "http-50ms": postmark_provider,
}


@contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"


def postgresql_database() -> AbstractContextManager[str]:
    return fresh_postgres("letters_bench")


def _databases(url: str | None) -> Iterator[tuple[str, Callable[[], AbstractContextManager[str]]]]:
    if url is not None:
        name = "postgresql" if url.startswith("postgresql") else "sqlite"
        yield name, lambda: _given(url)
        return
    yield "sqlite", sqlite_database
    try:
        asyncio.run(admin("SELECT 1"))
    except OSError as error:
        print(f"# delivery on postgresql skipped: {type(error).__name__}", file=sys.stderr)
        return
    yield "postgresql", postgresql_database


@contextmanager
def _given(url: str) -> Iterator[str]:
    yield url


def run(letters: int = 300, concurrency: int = 32, url: str | None = None) -> dict[str, float]:
    """The figures for `make bench`: letters/s and CPU ms per letter, per provider and
    database."""
    figures: dict[str, float] = {}
    for database, made in _databases(url):
        for provider, served in PROVIDERS.items():
            with made() as database_url, served(letters) as options:
                settings = Settings(database_url=database_url, worker_concurrency=concurrency,
                                    **options)  # type: ignore[arg-type]
                elapsed, cpu = asyncio.run(measure(settings, letters))
            name = f"delivery {provider} {database} c={concurrency}"
            figures[f"{name} letters/s"] = letters / elapsed
            figures[f"{name} cpu ms/letter"] = cpu * 1000 / letters
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--database", help="a database URL (default: SQLite and PostgreSQL)")
    args = parser.parse_args(argv)
    configure("warning")  # a line per e-mail would measure the terminal
    for name, value in run(args.letters, args.concurrency, args.database).items():
        print(f"{name}: {value:.2f} (letters={args.letters}, concurrency={args.concurrency})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
