"""Median timing of a call, in microseconds: the one measuring helper every bench uses."""

import statistics
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


def median_us(
    call: Callable[[T], object],
    inputs: Sequence[T],
    rounds: int = 5,
    clock: Callable[[], float] = time.perf_counter,
) -> float:
    """Median over `rounds` passes of the mean per-call time over all `inputs`, by `clock`
    (wall time; `time.thread_time` leaves out the time the host ran other processes)."""
    for item in inputs[: min(len(inputs), 50)]:
        call(item)  # warm caches and lazy imports outside the measurement
    samples = []
    for _ in range(rounds):
        start = clock()
        for item in inputs:
            call(item)
        samples.append((clock() - start) / len(inputs) * 1e6)
    return statistics.median(samples)
