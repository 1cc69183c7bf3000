"""What `serve` sets before it imports: large blocks keep their own mappings; what it never
uses stays out."""

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.memory import NEVER_USED

# In a fresh interpreter: a test process's heap may already hold a free chunk big enough,
# which glibc would use before mapping anything, whatever the bound.
PROBE = """
import ctypes, sys
from app.memory import keep_large_blocks_out_of_the_heap
class Info(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in ("arena ordblks smblks hblks hblkhd usmblks "
                                               "fsmblks uordblks fordblks keepcost").split()]
libc = ctypes.CDLL("libc.so.6")
libc.mallinfo2.restype = Info
if sys.argv[1] == "set":
    assert keep_large_blocks_out_of_the_heap()
freed = bytearray(8 << 20)  # left alone, glibc raises its bound to 8 MiB here
del freed
before = libc.mallinfo2().hblkhd
block = bytearray(2 << 20)
print(libc.mallinfo2().hblkhd - before >= len(block))
"""


def _mapped_on_its_own(mode: str) -> bool:
    out = subprocess.run([sys.executable, "-c", PROBE, mode], capture_output=True, text=True,
                         check=True).stdout
    return {"True": True, "False": False}[out.strip()]


def test_a_large_block_gets_its_own_mapping_even_after_a_larger_one_was_freed() -> None:
    assert _mapped_on_its_own("set")
    assert not _mapped_on_its_own("default")  # glibc's own behaviour, which this changes


TRIM_PROBE = """
from app.memory import give_back_free_heap, keep_large_blocks_out_of_the_heap
keep_large_blocks_out_of_the_heap()
blocks = [bytearray(64 << 10) for _ in range(200)]  # in the heap: below the bound
del blocks[:-1]  # the last one stays, so the freed ones are below memory in use
print(give_back_free_heap())
"""


def test_free_pages_below_memory_in_use_go_back() -> None:
    out = subprocess.run([sys.executable, "-c", TRIM_PROBE], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "True"


UNUSED_PROBE = """
import contextlib, io, runpy, sys
if sys.argv[1] == "left-out":  # as `python -m app serve` starts, its parser built
    sys.argv = ["app", "--help"]
    with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
        runpy.run_module("app", run_name="__main__", alter_sys=True)
import structlog, httpx, app.logs
from app.main import create_app
create_app()  # every route's models checked by FastAPI
from datetime import date
from app.letters.pdf import PrintableLetter, render_pdf
render_pdf(PrintableLetter(["Embassy"], None, "Subject", "Text", "en", date(2026, 3, 5)))
app.logs.configure("info", "console")
structlog.get_logger("probe").error("boom", exc_info=ValueError("x"))
print(sorted(name for name in ("numpy", "rich", "pygments", "pydantic.v1")
             if sys.modules.get(name) is not None))
"""


def _unused_loaded(mode: str) -> str:
    return subprocess.run([sys.executable, "-c", UNUSED_PROBE, mode], capture_output=True,
                          text=True, check=True).stdout.strip()


def test_serve_leaves_out_what_it_never_uses_and_still_logs_routes_and_prints() -> None:
    pytest.importorskip("rich")  # installed with the dev tools: the control below needs it
    pytest.importorskip("numpy")
    assert _unused_loaded("default") == "['numpy', 'pydantic.v1', 'pygments', 'rich']"
    assert _unused_loaded("left-out") == "[]"


def test_the_suite_leaves_out_what_serve_never_uses() -> None:
    assert all(name in sys.modules and sys.modules[name] is None for name in NEVER_USED)


GC_PROBE = """
import asyncio, gc, os
from app.memory import LOADING_THRESHOLDS, collect_rarely_while_loading
gc.set_threshold(700, 10, 10)
collect_rarely_while_loading()
assert gc.get_threshold() == LOADING_THRESHOLDS
from app.main import create_app
from app.settings import Settings
app = create_app(Settings(database_url="sqlite+aiosqlite:///" + os.environ["DB"]))
async def run():
    async with app.router.lifespan_context(app):
        print(gc.get_threshold())
asyncio.run(run())
"""


def test_serve_collects_rarely_while_loading_and_as_usual_once_loaded(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-c", GC_PROBE], capture_output=True, text=True,
                         check=True, env={**os.environ, "DB": str(tmp_path / "l.db")}).stdout
    assert out.strip().splitlines()[-1] == "(700, 10, 10)"


def test_an_app_made_without_serve_keeps_its_thresholds() -> None:
    from app.memory import collect_as_usual

    before = gc.get_threshold()
    collect_as_usual()  # nothing was raised in this process
    assert gc.get_threshold() == before
