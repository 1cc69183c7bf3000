"""SQLite's write lock queued in-process: handed on at once and in order, a cancelled
waiter neither blocks nor loses the turn it was given."""

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text

from app.db.database import Database, WriterTurns


async def test_turns_go_in_order() -> None:
    turns, order = WriterTurns(), []
    first = asyncio.Event()

    async def write(name: str) -> None:
        async with turns.turn():
            order.append(name)
            if name == "holder":
                await first.wait()

    holder = asyncio.create_task(write("holder"))
    await asyncio.sleep(0)
    waiters = [asyncio.create_task(write(n)) for n in ("a", "b", "c", "d")]
    await asyncio.sleep(0)
    first.set()
    await asyncio.gather(holder, *waiters)
    assert order == ["holder", "a", "b", "c", "d"]
    assert not turns.busy


@pytest.mark.parametrize("handed", [False, True])
async def test_a_cancelled_waiter_neither_blocks_nor_keeps_the_turn(handed: bool) -> None:
    """Cancelled while queued (skipped), or just after the turn was handed to it (it passes
    the turn on): either way the next waiter gets it and nothing stays busy."""
    turns = WriterTurns()
    release = asyncio.Event()
    entered: list[str] = []

    async def hold(name: str) -> None:
        async with turns.turn():
            entered.append(name)
            await release.wait()

    holder = asyncio.create_task(hold("holder"))
    await asyncio.sleep(0)
    gone = asyncio.create_task(hold("gone"))
    after = asyncio.create_task(hold("after"))
    await asyncio.sleep(0)
    if handed:
        release.set()
        await asyncio.sleep(0)  # the holder finishes and hands the turn to `gone`
        assert len(turns.waiting) == 1 and entered == ["holder"]  # handed, not run
    gone.cancel()
    release.set()
    await asyncio.wait_for(asyncio.gather(holder, after), 30)  # a deadline: a lost turn hangs
    assert gone.cancelled() and entered == ["holder", "after"] and not turns.busy


async def test_sqlite_transactions_of_one_process_wait_their_turn(tmp_path: Path) -> None:
    """Many concurrent writers on one SQLite file: all go through, none meets 'locked'."""
    database = Database.connect(f"sqlite+aiosqlite:///{tmp_path / 'turns.db'}")
    assert database.writers is not None
    try:
        async with database.begin() as session:
            await session.execute(text("CREATE TABLE n (v INTEGER)"))

        async def insert(v: int) -> None:
            async with database.begin() as session:
                await session.execute(text("INSERT INTO n VALUES (:v)"), {"v": v})
                await asyncio.sleep(0)

        await asyncio.gather(*(insert(v) for v in range(40)))
        async with database.begin() as session:
            assert await session.scalar(text("SELECT count(*) FROM n")) == 40
    finally:
        await database.dispose()
