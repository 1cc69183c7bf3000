"""Exactly-once under kill -9: letters counted where they arrive, the worker killed at random.

500 letters, a real `python -m app worker` killed with SIGKILL at random moments and
restarted until every letter is out, counted where they arrive: an aiosmtpd relay (SMTP)
and a local server speaking Postmark's API, answering in 50 ms.

`python -m bench.bench_crash [--letters 500] [--kills 5] [--concurrency 32] [--unanswered K]
[--provider smtp|postmark] [--seed N] [--database URL]` prints, per provider and database,
letters, kills, lost, duplicated, how many e-mails the killed workers held without a
recorded acceptance (the only ones that can come twice), and the ceiling on duplicates: for
SMTP, each kill's those but at most K (LETTERS_SMTP_MAX_UNANSWERED); for Postmark 0, as a
second attempt asks Postmark first (`asked`: how many times). SQLite and a fresh PostgreSQL
database (as bench_delivery: skipped if the server is not there), or the one database given.
"""

import argparse
import asyncio
import itertools
import random
import signal
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from pathlib import Path

from sqlalchemy import func, select

from app.db.database import Database
from app.db.migrate import migrate
from app.db.models import LetterRow, OutboxRow
from app.settings import Settings
from bench.bench_delivery import _databases, _store
from tests.fakes.provider_servers import PostmarkServer
from tests.fakes.smtp_relay import RelayHandler, running_relay
from tests.fakes.worker_process import held_by, owned_by, start_worker, worker_env

LEASE_SECONDS = "2"  # short, so a killed worker's e-mails come back soon
UNANSWERED = Settings.model_fields["smtp_max_unanswered"].default
PROVIDERS = ("smtp", "postmark")
HTTP_DELAY = 0.05  # the provider answers in 50 ms, as in bench_delivery


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


class Sink:
    """Where the letters arrive: the worker's settings for it, and what it has."""

    def settings(self) -> dict[str, str]:
        raise NotImplementedError

    def started(self) -> int:
        """How many e-mails reached it so far, answered or not."""
        raise NotImplementedError

    def message_ids(self) -> list[str]:
        """The Message-ID of every e-mail it took, a repeat as often as it came."""
        raise NotImplementedError

    def ceiling(self, unrecorded: int) -> int:
        raise NotImplementedError

    def extra(self) -> dict[str, int]:
        return {}


class Relay(Sink):
    def __init__(self, handler: RelayHandler, port: int, unanswered: int) -> None:
        self.handler, self.port, self.unanswered = handler, port, unanswered

    def settings(self) -> dict[str, str]:
        return {"LETTERS_SMTP_PORT": str(self.port),
                "LETTERS_SMTP_MAX_UNANSWERED": str(self.unanswered)}

    def started(self) -> int:
        return len(self.handler.messages)

    def message_ids(self) -> list[str]:
        with self.handler.lock:
            contents = [m.content for m in self.handler.messages]
        return [str(message_from_bytes(c, policy=policy.default)["Message-ID"])
                for c in contents]

    def ceiling(self, unrecorded: int) -> int:
        return min(unrecorded, self.unanswered)


class Postmark(Sink):
    def __init__(self, fake: PostmarkServer) -> None:
        self.fake = fake

    def settings(self) -> dict[str, str]:
        return {"LETTERS_EMAIL_PROVIDER": "postmark", "LETTERS_POSTMARK_BASE_URL": self.fake.url,
                "LETTERS_POSTMARK_SERVER_TOKEN": self.fake.token}

    def started(self) -> int:
        return len(self.fake.received)

    def message_ids(self) -> list[str]:
        return [m.metadata["message_id"] for m in list(self.fake.messages)]

    def ceiling(self, unrecorded: int) -> int:
        return 0  # each one held is looked up before it could be sent again

    def extra(self) -> dict[str, int]:
        return {"asked": len(self.fake.searches)}


@contextmanager
def sink(provider: str, unanswered: int) -> Iterator[Sink]:
    if provider == "postmark":
        with PostmarkServer(delay=HTTP_DELAY) as fake:
            yield Postmark(fake)
        return
    handler = RelayHandler()
    with running_relay(handler) as port:
        yield Relay(handler, port, unanswered)


async def crash_run(
    url: str, arrivals: Sink, letters: int, kills: int, concurrency: int,
    rng: random.Random, log: Path,
) -> dict[str, int]:
    database = Database.connect(url)
    try:
        await migrate(database)
        await _store(Settings(database_url=url), letters)
        env = worker_env(url, 0, LETTERS_WORKER_CONCURRENCY=str(concurrency),
                         LETTERS_WORKER_LEASE_SECONDS=LEASE_SECONDS, **arrivals.settings())
        done_kills = held = ceiling = 0
        while done_kills < kills and await _outbox_left(database):
            process = start_worker(env, log)
            before = arrivals.started()
            # Until it is sending; or until the outbox is empty, when all that was left were
            # e-mails recorded as accepted, which it finishes without sending (checked less
            # often: on SQLite a read takes the write lock the worker wants).
            for tick in itertools.count():
                if arrivals.started() > before or process.poll() is not None:
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
            ceiling += arrivals.ceiling(unrecorded)
        final = start_worker(env, log)
        while await _outbox_left(database):
            await asyncio.sleep(0.05)
        final.send_signal(signal.SIGTERM)
        final.wait(timeout=60)
        async with database.begin() as session:
            stored = set((await session.execute(select(LetterRow.message_id))).scalars())
    finally:
        await database.dispose()
    seen = Counter(arrivals.message_ids())
    return {
        "letters": letters, "kills": done_kills, "lost": len(stored - set(seen)),
        "duplicated": sum(n - 1 for n in seen.values()), "held_unrecorded": held,
        "ceiling": ceiling, **arrivals.extra(),
    }


def run(
    letters: int = 500, kills: int = 5, concurrency: int = 32, url: str | None = None,
    seed: int | None = None, unanswered: int = UNANSWERED,
    providers: tuple[str, ...] = PROVIDERS,
) -> dict[str, float]:
    """The figures for `make bench`: per provider and database, letters, kills, lost,
    duplicated, held_unrecorded and the ceiling on duplicates."""
    rng = random.Random(seed)
    figures: dict[str, float] = {}
    for provider in providers:
        for database, made in _databases(url):
            with tempfile.TemporaryDirectory() as folder, made() as database_url, \
                    sink(provider, unanswered) as arrivals:
                counted = asyncio.run(crash_run(database_url, arrivals, letters, kills,
                                                concurrency, rng, Path(folder) / "worker.log"))
            for key, value in counted.items():
                figures[f"crash {provider} {database} c={concurrency} {key}"] = float(value)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=500)
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--unanswered", type=int, default=UNANSWERED,
                        help="LETTERS_SMTP_MAX_UNANSWERED for the worker")
    parser.add_argument("--provider", choices=PROVIDERS, action="append",
                        help="where the letters go (repeatable; default: both)")
    parser.add_argument("--seed", type=int, help="for kill moments that repeat")
    parser.add_argument("--database", help="a database URL (default: SQLite and PostgreSQL)")
    args = parser.parse_args(argv)
    figures = run(args.letters, args.kills, args.concurrency, args.database, args.seed,
                  args.unanswered, tuple(args.provider or PROVIDERS))
    for name, value in figures.items():
        print(f"{name}: {value:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
