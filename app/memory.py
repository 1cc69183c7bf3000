"""The process's memory: what `serve` sets before it imports anything (large blocks stay
out of the C heap; what the service never uses stays out of the process), and the free heap
given back once the app has loaded.

glibc gives a block of 128 KiB or more its own mapping, returned to the system when freed,
but raises that bound past every such block freed (up to 32 MiB) and from then on carves
large blocks out of the heap. Loading frees many of them (the time-zone finder's build,
data files read whole), and the holes they leave in the heap stay resident: with the bound
fixed, `serve` holds ~4.5 MiB less after load (`python -m bench http`). Setting it is
`mallopt(M_MMAP_THRESHOLD)`, the same as MALLOC_MMAP_THRESHOLD_=131072 in the environment.
"""

import ctypes
import gc
import sys

M_MMAP_THRESHOLD = -3  # glibc's malloc.h
LARGE_BLOCK_BYTES = 128 * 1024  # glibc's own starting bound


def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:
        return None


def keep_large_blocks_out_of_the_heap() -> bool:
    """Fix glibc's bound at 128 KiB; False (and nothing changed) under another C library."""
    mallopt = getattr(_libc(), "mallopt", None)
    return mallopt is not None and bool(mallopt(M_MMAP_THRESHOLD, LARGE_BLOCK_BYTES))


# The collector's thresholds while `serve` imports and loads: at the usual 700 new objects
# a pass, the imports' and loaders' objects (nearly all kept for good) set off ~270 passes,
# 0.10-0.13 s of a start; at 20,000, 10 passes and 0.03 s, cyclic garbage still collected.
LOADING_THRESHOLDS = (20_000, 20, 20)
_usual_thresholds: list[tuple[int, int, int]] = []


def collect_rarely_while_loading() -> None:
    """Raise the collector's thresholds until `collect_as_usual` (serve, before imports)."""
    _usual_thresholds.append(gc.get_threshold())
    gc.set_threshold(*LOADING_THRESHOLDS)


def collect_as_usual() -> None:
    """The thresholds from before `collect_rarely_while_loading`; nothing if never called
    (an app the tests make keeps theirs)."""
    if _usual_thresholds:
        gc.set_threshold(*_usual_thresholds.pop())


def give_back_free_heap() -> bool:
    """Return the free pages inside the C heap to the system (`malloc_trim(0)`), once loading
    is done: what the loaders freed below memory still in use stays resident otherwise
    (~0.7 MiB after `serve` has loaded). True if any went back; False if none did,
    or under another C library."""
    trim = getattr(_libc(), "malloc_trim", None)
    return trim is not None and bool(trim(0))


# Installed for the tooling (schemathesis brings rich, pytest pygments, the tests need
# numpy), absent from the image, never used by the service, yet imported whenever present:
# structlog imports rich for its exception renderers (our logs keep no exception text) and
# httpx its command line, which imports both, ~4.9 MiB resident after the imports of `serve`;
# fpdf imports numpy for images (a letter has none), ~11 MiB more at the first PDF.
TOOLING_ONLY = ("rich", "pygments", "numpy")
# Pydantic's copy of its own version 1, which FastAPI imports only to check that no model is
# a version-1 one (none is: nothing installed but FastAPI imports it). ~2.8 MiB resident.
# The suite leaves it out too (tests/conftest.py), so a dependency that needs it fails there.
NEVER_USED = ("pydantic.v1",)


def leave_out_unused() -> None:
    """Importing any of TOOLING_ONLY and NEVER_USED fails from now on (as the tooling's do
    in the image); every importer falls back: plain output, no numpy images, "not a
    version-1 model". No effect on a module already imported."""
    for name in (*TOOLING_ONLY, *NEVER_USED):
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]
