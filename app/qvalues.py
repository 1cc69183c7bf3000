"""The quality value (`;q=0.8`) of one range of an Accept-style header (RFC 9110 §12.4.2).
Pure: Accept-Language for the letter's language, Accept for JSON or a page."""

import re
from collections.abc import Iterable

_QVALUE = re.compile(r"^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$")


def quality(parameters: Iterable[str]) -> float | None:
    """The `q` among a range's parameters: 1 when absent, None when malformed (headers are
    the client's to get wrong: such a range counts for nothing, it raises nothing)."""
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            value = value.strip()
            return float(value) if _QVALUE.match(value) else None
    return 1.0
