"""Variant numbers: one integer names one choice of wording on every list.

Mixed-radix counting over the lists (subjects, greetings, each paragraph, closings,
note intros): digit k is the wording index on list k, the first list the least
significant. Every integer in [0, count) is a distinct letter.
"""

import hashlib
import math
from collections.abc import Sequence


def digits(variant: int, radices: Sequence[int]) -> tuple[int, ...]:
    """The wording index on each list for `variant` (taken modulo the count)."""
    rest = variant % math.prod(radices)
    picked: list[int] = []
    for radix in radices:
        rest, digit = divmod(rest, radix)
        picked.append(digit)
    return tuple(picked)


def number(indices: Sequence[int], radices: Sequence[int]) -> int:
    """The variant that picks `indices` (the inverse of `digits`)."""
    if len(indices) != len(radices):
        raise ValueError("one index per list")
    total, weight = 0, 1
    for index, radix in zip(indices, radices, strict=True):
        total += (index % radix) * weight
        weight *= radix
    return total


def stable_variant(count: int, *parts: str) -> int:
    """A variant derived from the inputs alone: the same person always gets the same letter.

    SHA-256, not `hash()`: Python salts str hashes per process, which would give a person a
    different letter on every restart and on every replica.
    """
    # The unit separator cannot occur in cleaned one-line values, so ("a b", "c") and
    # ("a", "b c") never collide by concatenation.
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count
