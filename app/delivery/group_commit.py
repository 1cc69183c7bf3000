"""Group commit: many small writes that arrive together share one transaction, with no
waiting added. A write starts at once when none is running; whatever arrives while one runs
goes in the next, as soon as it ends. So under load there is one commit per round of
arrivals instead of a queue of commits, each waiting for the database's write lock (SQLite
has one; on PostgreSQL the counter row every "sent" updates is one too)."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class GroupCommit(Generic[T]):
    def __init__(self, write: Callable[[list[T]], Awaitable[None]]) -> None:
        self.write = write
        self.waiting: list[tuple[T, asyncio.Future[None]]] = []
        self.writer: asyncio.Task[None] | None = None

    async def submit(self, item: T) -> None:
        """Returns once `item` is committed; raises what its transaction raised."""
        future = asyncio.get_running_loop().create_future()
        self.waiting.append((item, future))
        if self.writer is None or self.writer.done():
            self.writer = asyncio.create_task(self._drain())
        await future

    async def _drain(self) -> None:
        while self.waiting:
            batch, self.waiting = self.waiting, []
            try:
                await self.write([item for item, _ in batch])
            except Exception as error:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(error)
            except BaseException:  # cancelled (the loop is closing): nobody waits forever
                for _, future in batch + self.waiting:
                    future.cancel()
                raise
            else:
                for _, future in batch:
                    if not future.done():
                        future.set_result(None)
