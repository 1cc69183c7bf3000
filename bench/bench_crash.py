"""Exactly-once under kill -9: 500 letters, a real `python -m app worker` killed with SIGKILL
at random moments and restarted until every letter is out, counted at an aiosmtpd relay.

`python -m bench.bench_crash [--letters 500] [--kills 5] [--concurrency 32] [--unanswered K]
[--seed N] [--database URL]` prints letters, kills, lost, duplicated, how many e-mails the
killed workers held without a recorded acceptance (the only ones that can come twice), and
the ceiling on duplicates (each kill: those, but at most K, LETTERS_SMTP_MAX_UNANSWERED), on
SQLite and on a fresh PostgreSQL database (as bench_delivery: skipped if the server is not
there), or on the one database given.
"""

import argparse
import asyncio
import itertools
import random
import signal
import sys
import tempfile
from collections import Counter
from email import message_from_bytes, policy
from pathlib import Path

from sqlalchemy import func, select

from app.db.database import Database
from app.db.migrate import migrate
from app.db.models import LetterRow, OutboxRow
from app.settings import Settings
from bench.bench_delivery import _databases, _store
from tests.fakes.smtp_relay import RelayHandler, running_relay
from tests.fakes.worker_process import held_by, owned_by, start_worker, worker_env

LEASE_SECONDS = "2"  # short, so a killed worker's e-mails come back soon
UNANSWERED = Settings.model_fields["smtp_max_unanswered"].default


async def _outbox_left(database: Database) -> int:
    async with database.begin() as session:
        return int(await session.scalar(select(func.count()).select_from(OutboxRow)) or 0)


async def _held_unrecorded(database: Database, pid: int) -> int:
    """Rows the killed worker `pid` still held whose acceptance was not recorded."""
    return sum(item.accepted_by is None for item in await held_by(database, owned_by(pid)))


async def _kill_after(pid: int, seconds: float) -> None:
    """SIGKILL `pid` in `seconds`, timed by a process of its own: a kill from this one waited
    for the GIL while the relay's thread handled a burst of messages, so it came mostly
    between bursts, when none was in doubt, and undercounted how often a crash meets one."""
    killer = await asyncio.create_subprocess_exec(
        "/bin/sh", "-c", f"sleep {seconds:.4f}; kill -KILL {pid}")
    await killer.wait()


async def crash_run(
    url: str, handler: RelayHandler, port: int, letters: int, kills: int,
    concurrency: int, unanswered: int, rng: random.Random, log: Path,
) -> dict[str, int]:
    database = Database.connect(url)
    try:
        await migrate(database)
        await _store(Settings(database_url=url), letters)
        env = worker_env(url, port, LETTERS_WORKER_CONCURRENCY=str(concurrency),
                         LETTERS_WORKER_LEASE_SECONDS=LEASE_SECONDS,
                         LETTERS_SMTP_MAX_UNANSWERED=str(unanswered))
        done_kills = held = ceiling = 0
        while done_kills < kills and await _outbox_left(database):
            process = start_worker(env, log)
            before = len(handler.messages)
            # Until it is sending; or until the outbox is empty, when all that was left were
            # e-mails recorded as accepted, which it finishes without sending (checked less
            # often: on SQLite a read takes the write lock the worker wants).
            for tick in itertools.count():
                if len(handler.messages) > before or process.poll() is not None:
                    break
                if tick % 10 == 9 and not await _outbox_left(database):
                    break
                await asyncio.sleep(0.01)
            await _kill_after(process.pid, rng.uniform(0.0, 1.0))  # then a random moment
            if process.wait() != -signal.SIGKILL:
                raise RuntimeError(f"the worker exited by itself: see {log}")
            done_kills += 1
            unrecorded = await _held_unrecorded(database, process.pid)
            held += unrecorded
            ceiling += min(unrecorded, unanswered)
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
        "ceiling": ceiling,
    }


def run(
    letters: int = 500, kills: int = 5, concurrency: int = 32, url: str | None = None,
    seed: int | None = None, unanswered: int = UNANSWERED,
) -> dict[str, float]:
    """The figures for `make bench`: per database, letters, kills, lost, duplicated,
    held_unrecorded and the ceiling on duplicates."""
    rng = random.Random(seed)
    figures: dict[str, float] = {}
    for database, made in _databases(url):
        handler = RelayHandler()
        with tempfile.TemporaryDirectory() as folder, made() as database_url, \
                running_relay(handler) as port:
            counted = asyncio.run(crash_run(database_url, handler, port, letters, kills,
                                            concurrency, unanswered, rng,
                                            Path(folder) / "worker.log"))
        for key, value in counted.items():
            figures[f"crash {database} c={concurrency} {key}"] = float(value)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=500)
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--unanswered", type=int, default=UNANSWERED,
                        help="LETTERS_SMTP_MAX_UNANSWERED for the worker")
    parser.add_argument("--seed", type=int, help="for kill moments that repeat")
    parser.add_argument("--database", help="a database URL (default: SQLite and PostgreSQL)")
    args = parser.parse_args(argv)
    figures = run(args.letters, args.kills, args.concurrency, args.database, args.seed,
                  args.unanswered)
    for name, value in figures.items():
        print(f"{name}: {value:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
