"""PDFs are rendered in a printing process: the server never loads the PDF library, the
loop runs on meanwhile, a killed printer is replaced, and an idle one goes away."""

import asyncio
import os
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

from app.letters.pdf import PrintableLetter
from app.letters.printer import Printer, render_pdf_off_loop

ROOT = Path(__file__).resolve().parents[2]
LETTER = PrintableLetter(["Посольство России", "Berlin"], "Jane Doe, Basel", "Subject",
                         "Dear Ambassador,\n\nПрошу освободить.", "ru", date(2026, 3, 5))

PROBE = """
import asyncio, sys
from datetime import date
from app.letters.pdf import PrintableLetter
from app.letters.printer import render_pdf_off_loop
letter = PrintableLetter(["Embassy"], None, "S", "Text", "en", date(2026, 3, 5))
print(asyncio.run(render_pdf_off_loop(letter))[:5].decode())
print(sorted(m for m in ("fpdf", "fontTools", "PIL") if m in sys.modules))
"""


def test_the_server_process_never_loads_the_pdf_library() -> None:
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True,
                         text=True, check=True, timeout=120).stdout.split("\n")
    assert out[:2] == ["%PDF-", "[]"]


async def test_the_loop_runs_on_while_pdfs_render() -> None:
    """Other requests (and an in-process worker reading providers' answers) are not held up
    for a PDF's whole rendering."""
    rendering = [asyncio.ensure_future(render_pdf_off_loop(LETTER)) for _ in range(2)]
    turns = 0
    while not all(task.done() for task in rendering):
        turns += 1
        await asyncio.sleep(0)
    assert all(pdf.startswith(b"%PDF") for pdf in [await task for task in rendering])
    assert turns > 1


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    with open(f"/proc/{pid}/stat") as stat:  # exited, not yet reaped
        return stat.read().split(") ")[1].startswith("Z")


async def _until_gone(pid: int, seconds: float = 10.0) -> bool:
    for _ in range(int(seconds / 0.05)):
        if _gone(pid):
            return True
        await asyncio.sleep(0.05)
    return False


async def test_a_killed_printer_is_replaced() -> None:
    printer = Printer()
    try:
        assert (await printer.render(LETTER)).startswith(b"%PDF")
        (pid,) = printer.pids()
        os.kill(pid, signal.SIGKILL)
        assert await _until_gone(pid)
        assert (await printer.render(LETTER)).startswith(b"%PDF")
        assert printer.pids() and printer.pids() != [pid]
    finally:
        printer.stop()


async def test_an_idle_printer_goes_away_and_comes_back_when_asked() -> None:
    printer = Printer(idle_seconds=0.1)
    try:
        await printer.render(LETTER)
        (pid,) = printer.pids()
        assert await _until_gone(pid)
        assert printer.pids() == []
        assert (await printer.render(LETTER)).startswith(b"%PDF")
    finally:
        printer.stop()


KEPT_ALIVE = """
import asyncio, sys, time
from datetime import date
from app.letters.pdf import PrintableLetter
from app.letters.printer import PRINTER, render_pdf_off_loop
asyncio.run(render_pdf_off_loop(PrintableLetter(["E"], None, "S", "T", "en", date(2026, 3, 5))))
print(PRINTER.pids()[0], flush=True)
time.sleep(60)
"""


async def test_the_printer_ends_with_a_killed_server() -> None:
    with subprocess.Popen([sys.executable, "-c", KEPT_ALIVE], cwd=ROOT,
                          stdout=subprocess.PIPE, text=True) as server:
        assert server.stdout is not None
        pid = int(server.stdout.readline())
        assert not _gone(pid)
        server.kill()
    assert await _until_gone(pid)
