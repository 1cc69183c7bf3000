"""Redis for the benchmarks that use it: is it there, and a key prefix of one run only."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import redis

REDIS_URL = "redis://127.0.0.1:6379/0"


def redis_up(url: str = REDIS_URL) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


@contextmanager
def redis_prefix(name: str, url: str = REDIS_URL) -> Iterator[str]:
    """A prefix no other run uses; every key under it is deleted afterwards."""
    prefix = f"{name}-{uuid.uuid4().hex}"
    try:
        yield prefix
    finally:
        connection = redis.Redis.from_url(url)
        for key in connection.scan_iter(match=f"{prefix}:*"):
            connection.delete(key)
        connection.close()
