"""Scale-out on this machine: 2 API processes and 2 workers on PostgreSQL and Redis.

`python -m bench.bench_scale [--letters 400] [--requests 120] [--sqlite]`

Two `python -m app serve` (the worker not in-process) share a fresh PostgreSQL database (or,
with --sqlite, a fresh SQLite file) and one Redis key prefix, made for this run and removed
afterwards.
(a) Rate limits hold across processes: with LETTERS_RATE_LIMIT_COMPOSE=50/minute, composes
    sent alternately to both APIs from one client IP admit 50 in total.
(b) Delivery with 1 and with 2 `python -m app worker` processes (four runs: 1, 2, 2, 1) to
    the Postmark fake answering after 50 ms: each run's letters queued through both APIs
    (POST /v1/letters, no confirmation) while no worker runs, then timed from the first
    e-mail the fake accepts to the last. Every letter must reach the fake exactly once
    (counted by its Message-ID).
Needs PostgreSQL on 127.0.0.1:5432 (user postgres) and Redis on 127.0.0.1:6379
(`make test-deps` starts both).
"""

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import select

from app.db.database import Database
from app.db.models import LetterRow
from bench.bench_http import COMPOSE
from bench.server import Server, serve
from bench.stores import REDIS_URL, redis_prefix
from tests.databases import fresh_postgres
from tests.fakes.provider_servers import PostmarkServer
from tests.fakes.worker_process import start_worker, worker_env

Worker = subprocess.Popen[bytes]
LIMIT = 50  # composes per minute per client IP, for (a)
DELAY = 0.05  # seconds the fake provider takes to answer
QUEUEING = 16  # POST /v1/letters in flight while queueing
# Worker counts in turn, A B B A: a load that drifts during the run (the machine is shared)
# weighs on both counts alike.
ORDER = (1, 2, 2, 1)


def _env(database_url: str, prefix: str, postmark: PostmarkServer) -> dict[str, str]:
    """One environment for APIs and workers, as a deployment would share it."""
    return worker_env(
        database_url, 0,  # no SMTP: the Postmark fake delivers
        LETTERS_EMAIL_PROVIDER="postmark",
        LETTERS_POSTMARK_BASE_URL=postmark.url,
        LETTERS_POSTMARK_SERVER_TOKEN=postmark.token,
        LETTERS_REDIS_URL=REDIS_URL,
        LETTERS_REDIS_PREFIX=prefix,
        LETTERS_RATE_LIMIT_COMPOSE=f"{LIMIT}/minute",
        LETTERS_RATE_LIMIT_SEND="100000000/minute",  # (b) measures delivery, not the limiter
        LETTERS_REQUIRE_CONFIRMATION="false",
        LETTERS_WORKER_IN_PROCESS="false",
    )


def rate_limit(apis: list[Server], requests: int) -> tuple[int, int]:
    """(admitted, refused) of `requests` composes, alternately to each API."""
    statuses: Counter[int] = Counter()
    with httpx.Client(timeout=30) as client:
        for i in range(requests):
            statuses[client.post(f"{apis[i % 2].url}/v1/letters/compose", json=COMPOSE)
                     .status_code] += 1
    if set(statuses) - {200, 429}:
        raise RuntimeError(f"compose answered other than 200 or 429: {dict(statuses)}")
    return statuses[200], statuses[429]


async def _queue(apis: list[Server], letters: int, first: int) -> None:
    """Queue `letters` letters through the APIs in turn, as people sending would."""
    gate = asyncio.Semaphore(QUEUEING)
    async with httpx.AsyncClient(timeout=30) as client:

        async def one(i: int) -> None:
            sender = {**COMPOSE["sender"], "name": f"Person {i}",  # type: ignore[dict-item]
                      "email": f"person{i}@example.org"}
            async with gate:
                answer = await client.post(f"{apis[i % 2].url}/v1/letters",
                                           json={**COMPOSE, "sender": sender, "consent": True})
            if answer.status_code != 202:
                raise RuntimeError(f"POST /v1/letters answered {answer.status_code}")

        await asyncio.gather(*(one(i) for i in range(first, first + letters)))


@contextmanager
def _workers(env: dict[str, str], count: int, log: Path) -> Iterator[list[Worker]]:
    workers = [start_worker(env, log) for _ in range(count)]
    try:
        yield workers
    finally:
        for worker in workers:
            worker.terminate()  # SIGTERM: the worker lets its sends in flight finish
        for worker in workers:
            try:
                worker.wait(30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()


@dataclass(frozen=True, slots=True)
class Delivery:
    """From the first e-mail the fake accepted to the last (the workers' start-up excluded)."""

    letters: int
    seconds: float
    cpu_seconds: float  # the workers' CPU over that span: steadier than time when shared

    def __add__(self, other: "Delivery") -> "Delivery":
        return Delivery(self.letters + other.letters, self.seconds + other.seconds,
                        self.cpu_seconds + other.cpu_seconds)

    @property
    def letters_s(self) -> float:
        return self.letters / self.seconds

    @property
    def cpu_ms(self) -> float:
        return self.cpu_seconds / self.letters * 1000


def deliver(env: dict[str, str], postmark: PostmarkServer, count: int, log: Path,
            letters: int) -> Delivery:
    """`count` workers draining `letters` queued letters."""
    done = len(postmark.accepted) + letters
    timeout = 60 + letters / 10
    with _workers(env, count, log) as workers:
        started = time.perf_counter()
        first: tuple[float, int, float] | None = None
        while (seen := len(postmark.accepted)) < done:
            if first is None and seen > done - letters:
                first = (time.perf_counter(), seen, _cpu_s(workers))
            if any(w.poll() is not None for w in workers):
                raise RuntimeError(f"a worker exited:\n{_tail(log)}")
            if time.perf_counter() - started > timeout:
                raise RuntimeError(f"{done - seen} letters undelivered after {timeout:.0f} s:\n"
                                   f"{_tail(log)}")
            time.sleep(0.005)
        last, cpu = time.perf_counter(), _cpu_s(workers)
    if first is None:  # all arrived between two looks
        raise RuntimeError("could not time the delivery")
    at, seen, cpu_at = first
    return Delivery(done - seen, last - at, cpu - cpu_at)


def _cpu_s(processes: list[Worker]) -> float:
    """User + system CPU seconds the processes have used so far (Linux /proc)."""
    ticks = 0
    for process in processes:
        fields = Path(f"/proc/{process.pid}/stat").read_text().rpartition(")")[2].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime: fields 14 and 15
    return ticks / os.sysconf("SC_CLK_TCK")


def _tail(log: Path, lines: int = 20) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


async def _delivered_once(database_url: str, postmark: PostmarkServer) -> tuple[int, int, int]:
    """(lost, duplicated, strangers): letters never at the fake, there more than once, and
    e-mails at the fake that are no stored letter."""
    database = Database.connect(database_url)
    try:
        async with database.begin() as session:
            stored = set((await session.execute(select(LetterRow.message_id))).scalars())
    finally:
        await database.dispose()
    seen = Counter(
        header["Value"] for request in postmark.accepted for header in request.json()["Headers"]
        if header["Name"] == "Message-ID"
    )
    lost = len(stored - set(seen))
    duplicated = sum(1 for m, n in seen.items() if m in stored and n > 1)
    return lost, duplicated, len(set(seen) - stored)


def run(letters: int = 400, requests: int = 120, sqlite: bool = False) -> dict[str, float]:
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        # SQLite: the APIs migrate the new file as they start (safe when they start together).
        database_url = f"sqlite+aiosqlite:///{folder / 'scale.db'}" if sqlite \
            else stack.enter_context(fresh_postgres("bench_scale"))
        prefix = stack.enter_context(redis_prefix("bench-scale"))
        postmark = stack.enter_context(PostmarkServer(delay=DELAY))
        env = _env(database_url, prefix, postmark)
        apis = [stack.enter_context(serve(env)) for _ in range(2)]
        admitted, refused = rate_limit(apis, requests)
        runs: dict[int, list[Delivery]] = {1: [], 2: []}
        for i, count in enumerate(ORDER):
            asyncio.run(_queue(apis, letters, first=i * letters))
            log = folder / f"workers-{i}.log"
            runs[count].append(deliver(env, postmark, count, log, letters))
        lost, duplicated, strangers = asyncio.run(_delivered_once(database_url, postmark))
    if strangers:
        raise RuntimeError(f"{strangers} e-mails at the fake match no stored letter")
    one, two = sum(runs[1][1:], runs[1][0]), sum(runs[2][1:], runs[2][0])
    return {
        "scale_rate_limit_admitted": admitted,
        "scale_rate_limit_refused": refused,
        "scale_1_worker_letters_s": one.letters_s,
        "scale_2_workers_letters_s": two.letters_s,
        "scale_2_vs_1_workers": two.letters_s / one.letters_s,
        "scale_1_worker_cpu_ms": one.cpu_ms,
        "scale_2_workers_cpu_ms": two.cpu_ms,
        "scale_letters_lost": lost,
        "scale_letters_duplicated": duplicated,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=400,
                        help="letters per delivery run (4 runs: 1, 2, 2, 1 workers)")
    parser.add_argument("--requests", type=int, default=120, help="composes for (a)")
    parser.add_argument("--sqlite", action="store_true",
                        help="a SQLite file instead of PostgreSQL (one write lock for all)")
    args = parser.parse_args(argv)
    for name, value in run(args.letters, args.requests, args.sqlite).items():
        print(f"{name:28} {value:10.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
