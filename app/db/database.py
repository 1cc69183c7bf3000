"""The engine and session factory: made in the app's lifespan, handed through deps."""

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

# How long SQLite waits for another process's write lock before giving up.
SQLITE_BUSY_SECONDS = 30


class WriterTurns:
    """SQLite's one write lock, queued in this process instead of polled for.

    A transaction waiting on SQLite's busy handler sleeps in steps of up to 100 ms however
    soon the lock frees (a delivery worker saw 700 ms waits); waiting here hands the lock on
    the moment it frees, in order. Other processes still meet the busy handler. (What must
    not wait at all, a provider's acceptance, has a file of its own: delivery/ledger.py.)"""

    def __init__(self) -> None:
        self.busy = False
        self.waiting: deque[asyncio.Future[None]] = deque()

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        if self.busy:
            handed = asyncio.get_running_loop().create_future()
            self.waiting.append(handed)
            try:
                await handed
            except asyncio.CancelledError:
                if handed.done() and not handed.cancelled():
                    self._hand_on()  # the turn came with the cancellation: pass it on
                raise
        else:
            self.busy = True
        try:
            yield
        finally:
            self._hand_on()

    def _hand_on(self) -> None:
        while self.waiting:
            handed = self.waiting.popleft()
            if not handed.done():  # a cancelled waiter is skipped
                handed.set_result(None)
                return
        self.busy = False


@dataclass(frozen=True, slots=True)
class Database:
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    writers: WriterTurns | None = field(default=None)  # SQLite only
    # PostgreSQL: one autocommit connection of its own for writes that must not wait
    # behind the main pool (a worker at full concurrency keeps that pool busy). SQLite's
    # one write lock is per file: there, such writes go to a file of their own.
    urgent: AsyncEngine | None = field(default=None)

    @classmethod
    def connect(cls, url: str) -> "Database":
        """An engine for `url`; nothing is opened until the first query."""
        engine = create_async_engine(url, **_engine_options(url))
        if engine.dialect.name == "sqlite":
            event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
            event.listen(engine.sync_engine, "begin", _sqlite_begin)
            return cls(engine, async_sessionmaker(engine, expire_on_commit=False), WriterTurns())
        # No pre-ping: a stale connection fails the write, which is retried on a new one.
        urgent = create_async_engine(url, pool_size=1, max_overflow=0,
                                     isolation_level="AUTOCOMMIT")
        return cls(engine, async_sessionmaker(engine, expire_on_commit=False), urgent=urgent)

    @property
    def is_postgresql(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncSession]:
        """One transaction: committed when the block ends, rolled back if it raises. On
        SQLite it waits its turn for the write lock (see WriterTurns)."""
        async with self._turn(), self.sessions() as session, session.begin():
            yield session

    def _turn(self) -> AbstractAsyncContextManager[None]:
        return self.writers.turn() if self.writers is not None else nullcontext()

    @asynccontextmanager
    async def autocommit(self) -> AsyncIterator[AsyncSession]:
        """PostgreSQL: a session whose statements are durable as each one returns, for a
        write that must not wait: its own always-open connection, no BEGIN and COMMIT round
        trips (one user at a time: batch what comes meanwhile)."""
        if self.urgent is None:
            raise RuntimeError("only PostgreSQL has an urgent connection")
        async with self.urgent.connect() as connection, AsyncSession(bind=connection) as session:
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self.urgent is not None:
            await self.urgent.dispose()


def _engine_options(url: str) -> dict[str, Any]:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        # The file (or URI) and options SQLAlchemy's dialect reads from the URL, opened
        # with one thread trip a statement (app/db/sqlite_hops.py). One writer at a time
        # is SQLite's nature; waiting beats failing with "locked". (Imported here: a server
        # on PostgreSQL never loads SQLite's driver.)
        from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite

        from app.db.sqlite_hops import one_trip_creator

        args, options = SQLiteDialect_aiosqlite().create_connect_args(parsed)
        return {"async_creator": one_trip_creator(*args, **options,
                                                  timeout=SQLITE_BUSY_SECONDS)}
    return {"pool_size": 10, "max_overflow": 10, "pool_pre_ping": True}


def _sqlite_pragmas(dbapi_connection: Any, _: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}")
    # WAL lets readers go on while the worker writes (it stays set in the file).
    set_wal(cursor)
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")  # off by default in SQLite
    cursor.close()
    # SQLAlchemy emits BEGIN itself (below), so the driver must not start transactions.
    dbapi_connection.isolation_level = None


def set_wal(cursor: Any) -> None:
    # Switching a new file to WAL needs it to itself, and SQLite answers "locked" at once
    # instead of waiting when processes open it together: retry (first open only) for as
    # long as any other statement would wait, since on a loaded machine the process that
    # holds the file can be descheduled for seconds.
    deadline = time.monotonic() + SQLITE_BUSY_SECONDS
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except Exception as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _sqlite_begin(connection: Any) -> None:
    # IMMEDIATE takes the write lock up front: a deferred read-then-write transaction in
    # WAL mode fails at once with "database is locked" instead of waiting its turn.
    connection.exec_driver_sql("BEGIN IMMEDIATE")
