"""The allocator setting `serve` makes: large blocks keep their own mappings."""

import ctypes

from app.memory import LARGE_BLOCK_BYTES, keep_large_blocks_out_of_the_heap


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]


def _mapped_bytes(libc: ctypes.CDLL) -> int:
    libc.mallinfo2.restype = _MallInfo2
    return int(libc.mallinfo2().hblkhd)


def test_a_large_block_gets_its_own_mapping_even_after_a_larger_one_was_freed() -> None:
    libc = ctypes.CDLL("libc.so.6")  # the machines here run glibc, as the Docker image does
    assert keep_large_blocks_out_of_the_heap()
    freed = bytearray(4 << 20)  # left alone, glibc would raise its bound to 4 MiB here
    del freed
    before = _mapped_bytes(libc)
    block = bytearray(4 * LARGE_BLOCK_BYTES)
    assert _mapped_bytes(libc) >= before + len(block)
