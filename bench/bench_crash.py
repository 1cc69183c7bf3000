"""Exactly-once under kill -9: 500 letters, a real `python -m app worker` killed with SIGKILL
at random moments and restarted until every letter is out, counted at an aiosmtpd relay.

`python -m bench.bench_crash [--letters 500] [--kills 5] [--concurrency 32] [--seed N]
[--database URL]` prints letters, kills, lost, duplicated, and how many e-mails the killed
workers held without a recorded acceptance (the only ones that can come twice). With a
PostgreSQL URL a fresh database is made on that server for the run and dropped after.
"""

import argparse
import asyncio
import random
import secrets
import signal
import sys
import tempfile
from collections import Counter
from email import message_from_bytes, policy
from pathlib import Path

import asyncpg
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from app.db.database import Database
from app.db.migrate import migrate
from app.db.models import LetterRow, OutboxRow
from bench.bench_delivery import _store
from tests.fakes.smtp_relay import RelayHandler, running_relay
from tests.fakes.worker_process import start_worker, worker_env

LEASE_SECONDS = "2"  # short, so a killed worker's e-mails come back soon


async def _outbox_left(database: Database) -> int:
    async with database.begin() as session:
        return int(await session.scalar(select(func.count()).select_from(OutboxRow)) or 0)


async def _held_unrecorded(database: Database, pid: int) -> int:
    """Rows the killed worker `pid` still held whose acceptance was not recorded."""
    async with database.begin() as session:
        held = await session.scalar(
            select(func.count()).select_from(OutboxRow).where(
                OutboxRow.lease_owner.like(f"%-{pid}-%"), OutboxRow.accepted_at.is_(None)
            )
        )
    return int(held or 0)


async def crash_run(
    url: str, handler: RelayHandler, port: int, letters: int, kills: int,
    concurrency: int, rng: random.Random, log: Path,
) -> dict[str, int]:
    database = Database.connect(url)
    try:
        await migrate(database)
        await _store(database, letters)
        env = worker_env(url, port, LETTERS_WORKER_CONCURRENCY=str(concurrency),
                         LETTERS_WORKER_LEASE_SECONDS=LEASE_SECONDS)
        done_kills = held = 0
        while done_kills < kills and await _outbox_left(database):
            process = start_worker(env, log)
            before = len(handler.messages)
            while len(handler.messages) == before and process.poll() is None:
                await asyncio.sleep(0.01)  # until it is sending
            await asyncio.sleep(rng.uniform(0.0, 1.0))  # then a random moment
            if process.poll() is not None:
                raise RuntimeError(f"the worker exited by itself: see {log}")
            process.send_signal(signal.SIGKILL)
            process.wait()
            done_kills += 1
            held += await _held_unrecorded(database, process.pid)
        final = start_worker(env, log)
        while await _outbox_left(database):
            await asyncio.sleep(0.05)
        final.send_signal(signal.SIGTERM)
        final.wait(timeout=60)
        async with database.begin() as session:
            stored = set((await session.execute(select(LetterRow.message_id))).scalars())
    finally:
        await database.dispose()
    with handler.lock:
        contents = [m.content for m in handler.messages]
    seen = Counter(str(message_from_bytes(c, policy=policy.default)["Message-ID"])
                   for c in contents)
    return {
        "letters": letters, "kills": done_kills, "lost": len(stored - set(seen)),
        "duplicated": sum(n - 1 for n in seen.values()), "held_unrecorded": held,
    }


async def _admin(url: str, sql: str) -> None:
    server = make_url(url)
    connection = await asyncpg.connect(
        host=server.host, port=server.port or 5432, user=server.username,
        password=server.password, database="postgres",
    )
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def run(
    letters: int = 500, kills: int = 5, concurrency: int = 32, url: str | None = None,
    seed: int | None = None,
) -> dict[str, float]:
    """The figures for `make bench` (on SQLite unless a PostgreSQL URL is given)."""
    rng = random.Random(seed)
    handler = RelayHandler()
    postgres = bool(url and url.startswith("postgresql"))
    with tempfile.TemporaryDirectory() as folder, running_relay(handler) as port:
        database_url = url or f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        if postgres:
            name = f"bench_crash_{secrets.token_hex(4)}"
            asyncio.run(_admin(database_url, f'CREATE DATABASE "{name}"'))
            database_url = make_url(database_url).set(database=name).render_as_string(
                hide_password=False)
        try:
            figures = asyncio.run(crash_run(database_url, handler, port, letters, kills,
                                            concurrency, rng, Path(folder) / "worker.log"))
        finally:
            if postgres:
                asyncio.run(_admin(database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    prefix = f"crash {'postgresql' if postgres else 'sqlite'} c={concurrency}"
    return {f"{prefix} {key}": float(value) for key, value in figures.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=500)
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--seed", type=int, help="for kill moments that repeat")
    parser.add_argument("--database", help="a database URL (default: a temporary SQLite file)")
    args = parser.parse_args(argv)
    figures = run(args.letters, args.kills, args.concurrency, args.database, args.seed)
    for name, value in figures.items():
        print(f"{name}: {value:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
