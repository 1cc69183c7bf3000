"""Delivery throughput: one worker, the real SMTP adapter, an aiosmtpd relay on loopback.

`python -m bench.bench_delivery [--letters 500] [--concurrency 32] [--database URL]`
prints letters per second with the concurrency used. Letters are stored as the send flow
stores them (letter row + outbox row), already confirmed, then one worker drains them.
"""

import argparse
import asyncio
import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from app.db.database import Database
from app.db.migrate import migrate
from app.db.models import LetterRow
from app.delivery import outbox
from app.delivery.dispatch import Dispatch
from app.delivery.smtp import SmtpConfig, SmtpProvider
from app.delivery.worker import Worker, WorkerConfig
from app.directory.directory import Directory
from app.letters import repository
from app.letters.mail_templates import MailTemplates
from app.letters.stored import Platform
from app.letters.tokens import new_letter_id, new_reference
from app.logs import configure
from app.settings import Settings
from tests.fakes.smtp_relay import RelayHandler, running_relay

PLATFORM = Platform("letters@platform.example", "Embassy Letters", "http://localhost:8000")


def _letter(now: datetime, i: int) -> LetterRow:
    reference = new_reference()
    return LetterRow(
        id=new_letter_id(), campaign_id="navalny-appeal", embassy_id="ch-bern-embassy",
        country="CH", language="en", status="queued", sender_name=f"Person {i}",
        sender_email=f"person{i}@example.org", subject="An appeal",
        body="Dear Ambassador,\n\n" + "I write about a prisoner. " * 40 + f"\n\nPerson {i}\n",
        recipients=json.dumps(["embassy@embassy.example"]), cc_sender=False,
        message_id=PLATFORM.message_id(reference), reference=reference,
        created_at=now, expires_at=now,
    )


async def _store(database: Database, letters: int) -> None:
    now = datetime.now(UTC)
    async with database.begin() as session:
        for i in range(letters):
            row = _letter(now, i)
            await repository.add(session, row)
            await outbox.enqueue(session, row.id, "letter", row.reference or "", now)


async def measure(url: str, letters: int, concurrency: int, port: int) -> float:
    """Seconds for one worker to send `letters` letters."""
    database = Database.connect(url)
    try:
        await migrate(database)
        await _store(database, letters)
        settings = Settings()
        directory = Directory.load(settings.directory_path, settings.directory_overrides)
        dispatch = Dispatch(database, directory, PLATFORM, MailTemplates())
        provider = SmtpProvider(SmtpConfig("127.0.0.1", port, timeout=30))
        worker = Worker(database, provider, dispatch,
                        WorkerConfig(concurrency=concurrency, poll=0.01))
        stop = asyncio.Event()
        started = time.perf_counter()
        running = asyncio.create_task(worker.run(stop))
        while await _left(database):
            await asyncio.sleep(0.01)
        elapsed = time.perf_counter() - started
        stop.set()
        await running
        return elapsed
    finally:
        await database.dispose()


async def _left(database: Database) -> int:
    async with database.begin() as session:
        depth, _ = await repository.outbox_depth(session, datetime.now(UTC))
    return depth


def run(letters: int = 300, concurrency: int = 32, url: str | None = None) -> dict[str, float]:
    """The figures for `make bench`."""
    handler = RelayHandler()
    with tempfile.TemporaryDirectory() as folder, running_relay(handler) as port:
        database_url = url or f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        elapsed = asyncio.run(measure(database_url, letters, concurrency, port))
    assert len(handler.messages) == letters, "every letter reached the relay once"
    name = "postgresql" if url and url.startswith("postgresql") else "sqlite"
    return {f"delivery smtp {name} c={concurrency} letters/s": letters / elapsed}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--database", help="a database URL (default: a temporary SQLite file)")
    args = parser.parse_args(argv)
    configure("warning")  # a line per e-mail would measure the terminal
    for name, value in run(args.letters, args.concurrency, args.database).items():
        print(f"{name}: {value:.1f} (letters={args.letters}, concurrency={args.concurrency})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
