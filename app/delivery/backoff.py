"""How long to wait before trying a transient failure again. Pure."""

import random

FIRST = 2.0  # seconds: the first retry comes within a few seconds
CAP = 300.0  # the longest wait between two attempts: five minutes
RETRY_AFTER_CAP = 6 * 3600.0  # a provider asking for more than this is not taken literally


def delay(
    attempt: int, retry_after: float | None = None, rng: random.Random | None = None
) -> float:
    """Seconds before attempt `attempt + 1`: exponential with jitter, or the provider's wish.

    Jitter is "equal jitter" (between half and all of the step), so retries from many
    letters spread out but none comes back sooner than half the intended wait.
    """
    if retry_after is not None and retry_after > 0:
        return min(retry_after, RETRY_AFTER_CAP)
    step = min(CAP, FIRST * 2 ** max(0, attempt - 1))
    draw = rng.random() if rng is not None else random.random()
    return float(step * (0.5 + 0.5 * draw))
