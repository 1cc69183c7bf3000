"""Median timing of a call, in microseconds: the one measuring helper every bench uses."""

import statistics
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


def median_us(call: Callable[[T], object], inputs: Sequence[T], rounds: int = 5) -> float:
    """Median over `rounds` passes of the mean per-call time over all `inputs`."""
    for item in inputs[: min(len(inputs), 50)]:
        call(item)  # warm caches and lazy imports outside the measurement
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        for item in inputs:
            call(item)
        samples.append((time.perf_counter() - start) / len(inputs) * 1e6)
    return statistics.median(samples)
