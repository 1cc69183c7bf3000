"""What `serve` sets before it imports: large blocks keep their own mappings; the tooling's
terminal renderers stay out."""

import subprocess
import sys

import pytest

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


TOOLING_PROBE = """
import contextlib, io, sys
if sys.argv[1] == "left-out":  # as `python -m app serve` starts, its parser built
    from app.__main__ import main
    with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
        main(["--help"])
import structlog, httpx, app.logs
app.logs.configure("info", "console")
structlog.get_logger("probe").error("boom", exc_info=ValueError("x"))
print(sorted(name for name in ("rich", "pygments") if sys.modules.get(name) is not None))
"""


def _tooling_loaded(mode: str) -> str:
    return subprocess.run([sys.executable, "-c", TOOLING_PROBE, mode], capture_output=True,
                          text=True, check=True).stdout.strip()


def test_serve_leaves_the_toolings_renderers_out_and_still_logs_an_exception() -> None:
    pytest.importorskip("rich")  # installed with the dev tools: the control below needs it
    assert _tooling_loaded("default") == "['pygments', 'rich']"  # what this prevents
    assert _tooling_loaded("left-out") == "[]"
