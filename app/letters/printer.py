"""Where PDFs are rendered: a child process of their own, started at the first PDF and
stopped once printing has been idle for IDLE_SECONDS.

Why not a thread of the server's: the PDF library (fpdf with fontTools and Pillow) is
~26 MiB resident once imported, and a server that had printed one letter kept it for life,
past the 150 MB the service is held to (129 MiB without it). And its ~120 ms of CPU a PDF
held the GIL against the event loop in 5 ms turns, slowing every request and an in-process
worker's reading of providers' answers while it ran; in a process of its own it runs on the
other core. One process renders one PDF at a time; others wait their turn, as they did for
the thread. The cost: the first PDF after a pause waits for the process to start and
import the library (2.2 s against 1.1 s in the server's thread, measured at load 5.6).
"""

import asyncio
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from app.letters.pdf import Paper, PrintableLetter, render_pdf

IDLE_SECONDS = 300.0
PARENT_CHECK_SECONDS = 0.5


def _prepare_child(parent: int) -> None:
    """The child's set-up, as `serve` sets up the server (app/memory.py, app/logs.py)."""
    from app.memory import keep_large_blocks_out_of_the_heap, leave_out_unused

    threading.Thread(target=_end_with, args=(parent,), daemon=True).start()
    keep_large_blocks_out_of_the_heap()
    leave_out_unused()  # numpy stays out of fpdf (~11 MiB): a letter has no images
    from app.logs import quiet_pdf_library  # after: structlog would import rich

    quiet_pdf_library()


def _end_with(parent: int) -> None:
    """Exit once the server is gone. The child holds both ends of its own task pipe, so a
    server killed (or stopped without a clean exit) leaves it waiting for work for ever."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(0)


class Printer:
    """One printing process, started when asked for and stopped when idle."""

    def __init__(self, idle_seconds: float = IDLE_SECONDS) -> None:
        self.idle_seconds = idle_seconds
        self._pool: ProcessPoolExecutor | None = None
        self._waiting = 0  # PDFs asked for and not yet answered
        self._idle: asyncio.TimerHandle | None = None

    async def render(self, letter: PrintableLetter, paper: Paper = "a4") -> bytes:
        """The PDF, rendered in the printing process; one that died is replaced, once."""
        loop = asyncio.get_running_loop()
        if self._idle is not None:
            self._idle.cancel()
        self._waiting += 1
        try:
            pool = self._started()
            try:
                return await loop.run_in_executor(pool, render_pdf, letter, paper)
            except BrokenProcessPool:  # killed, or out of memory: a new process, one retry
                self._forget(pool)
                return await loop.run_in_executor(self._started(), render_pdf, letter, paper)
        finally:
            self._waiting -= 1
            if not self._waiting:
                self._idle = loop.call_later(self.idle_seconds, self.stop)

    def pids(self) -> list[int]:
        """The printing process's id, if it runs (for tests and benchmarks)."""
        processes = getattr(self._pool, "_processes", None) or {}
        return list(processes)

    def stop(self) -> None:
        """Let the process go (it ends once its PDF, if any, is done)."""
        if self._pool is not None:
            self._forget(self._pool)

    def _started(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # spawn: a fresh interpreter, not a fork of a server with threads and sockets
            self._pool = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                initializer=_prepare_child, initargs=(os.getpid(),))
        return self._pool

    def _forget(self, pool: ProcessPoolExecutor) -> None:
        if self._pool is pool:  # another caller may have replaced it already
            self._pool = None
        pool.shutdown(wait=False, cancel_futures=False)


PRINTER = Printer()


async def render_pdf_off_loop(letter: PrintableLetter, paper: Paper = "a4") -> bytes:
    """`render_pdf` in the printing process."""
    return await PRINTER.render(letter, paper)
