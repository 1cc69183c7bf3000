"""The partner checks every request pays: a key against a table of 1,000 partners, an origin,
and one rate-limit hit in memory and in Redis (when it answers on 127.0.0.1:6379)."""

import asyncio
import time

from limits import parse

from app.partners.keys import digest, issue
from app.partners.ratelimit import Limiter
from app.partners.snapshot import PartnerRecord, Snapshot
from bench.stores import REDIS_URL, redis_prefix, redis_up
from bench.timing import median_us

SECRET = b"bench-secret"


def _snapshot(n: int) -> tuple[Snapshot, list[str]]:
    issued = [issue() for _ in range(n)]
    records = [
        PartnerRecord(k.key_id, f"NGO {i}", digest(SECRET, k.key), (f"https://ngo{i}.example",))
        for i, k in enumerate(issued)
    ]
    return Snapshot.of(records), [k.key for k in issued]


async def _hits_us(limiter: Limiter, n: int = 2000) -> float:
    item = parse("1000000/hour")
    start = time.perf_counter()
    for i in range(n):
        await limiter.hit(item, "bench", f"ip:{i % 50}")
    elapsed = (time.perf_counter() - start) / n * 1e6
    await limiter.close()
    return elapsed


def run() -> dict[str, float]:
    snapshot, keys = _snapshot(1000)
    rows = {
        "partner key check µs": median_us(lambda k: snapshot.authenticate(SECRET, k), keys),
        "wrong key check µs": median_us(
            lambda k: snapshot.authenticate(SECRET, k), [issue().key for _ in range(1000)]
        ),
        "origin check µs": median_us(
            lambda o: o in snapshot.origins, [f"https://ngo{i}.example" for i in range(1000)]
        ),
        "rate limit hit, memory µs": asyncio.run(_hits_us(Limiter.memory())),
    }
    if redis_up():
        with redis_prefix("bench") as prefix:
            limiter = Limiter.redis(REDIS_URL, prefix)
            rows["rate limit hit, Redis µs"] = asyncio.run(_hits_us(limiter))
    return rows
