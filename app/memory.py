"""What `serve` sets before it imports anything: large blocks stay out of the C heap, and
the terminal renderers the tooling installs stay out of the process.

glibc gives a block of 128 KiB or more its own mapping, returned to the system when freed,
but raises that bound past every such block freed (up to 32 MiB) and from then on carves
large blocks out of the heap. Loading frees many of them (the time-zone finder's build,
data files read whole), and the holes they leave in the heap stay resident: with the bound
fixed, `serve` holds ~4.5 MiB less after load (`python -m bench http`). Setting it is
`mallopt(M_MMAP_THRESHOLD)`, the same as MALLOC_MMAP_THRESHOLD_=131072 in the environment.
"""

import ctypes
import sys

M_MMAP_THRESHOLD = -3  # glibc's malloc.h
LARGE_BLOCK_BYTES = 128 * 1024  # glibc's own starting bound


def keep_large_blocks_out_of_the_heap() -> bool:
    """Fix glibc's bound at 128 KiB; False (and nothing changed) under another C library."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return False
    mallopt = getattr(libc, "mallopt", None)
    return mallopt is not None and bool(mallopt(M_MMAP_THRESHOLD, LARGE_BLOCK_BYTES))


# Installed for the tooling (schemathesis brings rich, pytest pygments), absent from the
# image, never used by the service, yet imported whenever present: structlog imports rich
# for its exception renderers (our logs keep no exception text) and httpx its command line,
# which imports both. ~4.9 MiB resident after the imports of `serve`.
TOOLING_ONLY = ("rich", "pygments")


def leave_out_tooling() -> None:
    """`import rich` and `import pygments` fail from now on, as they do in the image; both
    importers fall back to plain output. No effect on a module already imported."""
    for name in TOOLING_ONLY:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]
