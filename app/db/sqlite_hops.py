"""aiosqlite with one trip to its thread per statement instead of three or four.

aiosqlite runs every call on the connection's own thread and hands the answer back through
the event loop: a cursor made, the statement run, its rows fetched, the cursor closed, each
a trip (~30 µs of CPU between the two threads, more than most statements take). Through
SQLAlchemy a statement made all four, and a delivery worker made ~8 trips a letter
(python -m bench delivery). Here the statement and the fetch of its rows go in one trip,
and what cannot wait on a lock or the disk is done at once on the loop's thread: making
and closing a cursor, handing out rows already fetched, a rollback with no transaction
open (SQLAlchemy's reset of every connection given back to the pool). Anything that can
wait (BEGIN IMMEDIATE for the write lock, a statement, COMMIT, its checkpoint) still runs on
the thread, so the loop never waits for SQLite.

Safe because SQLAlchemy uses a connection from one task at a time, awaiting each call, and
SQLite itself serialises calls on a connection (sqlite3.threadsafety 3).
"""

import sqlite3
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

import aiosqlite
from aiosqlite.context import contextmanager


def _run(cursor: sqlite3.Cursor, sql: str, parameters: Any) -> list[Any] | None:
    cursor.execute(sql, parameters)
    return cursor.fetchall() if cursor.description is not None else None


class OneTripCursor(aiosqlite.Cursor):
    """A statement and its rows in one trip; the rows then handed out at once."""

    def __init__(self, conn: aiosqlite.Connection, cursor: sqlite3.Cursor) -> None:
        super().__init__(conn, cursor)
        self.rows: list[Any] = []

    async def execute(
        self, sql: str, parameters: Iterable[Any] | None = None
    ) -> "OneTripCursor":
        given = [] if parameters is None else parameters
        self.rows = await self._trip(_run, self._cursor, sql, given) or []
        return self

    async def executemany(self, sql: str, parameters: Iterable[Iterable[Any]]) -> "OneTripCursor":
        self.rows = []
        await self._trip(self._cursor.executemany, sql, parameters)
        return self

    async def _trip(self, call: Callable[..., Any], *args: Any) -> Any:
        return await self._conn._execute(call, *args)  # type: ignore[no-untyped-call]

    async def fetchone(self) -> Any:
        return self.rows.pop(0) if self.rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        size = self._cursor.arraysize if size is None else size
        taken, self.rows = self.rows[:size], self.rows[size:]
        return taken

    async def fetchall(self) -> list[Any]:
        taken, self.rows = self.rows, []
        return taken

    async def close(self) -> None:
        self.rows = []
        self._cursor.close()


class OneTripConnection(aiosqlite.Connection):
    @contextmanager
    async def cursor(self) -> aiosqlite.Cursor:
        return OneTripCursor(self, self._conn.cursor())

    async def rollback(self) -> None:
        if self._conn.in_transaction:  # nothing to undo: no trip (the pool's reset)
            await super().rollback()


def one_trip_creator(database: str, **options: Any) -> Callable[[], OneTripConnection]:
    """An `async_creator` for create_async_engine: `sqlite3.connect(database, **options)`
    on a connection thread of its own, as aiosqlite.connect does."""

    def create() -> OneTripConnection:
        connection = OneTripConnection(
            partial(sqlite3.connect, database, **{**options, "check_same_thread": False}),
            iter_chunk_size=64,
        )
        connection._thread.daemon = True  # as SQLAlchemy's aiosqlite dialect sets it
        return connection

    return create
