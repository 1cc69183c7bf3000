"""Which language a letter is written in: asked for, else the browser's, else the default."""

import re
from collections.abc import Collection
from dataclasses import dataclass

from app.errors import Unprocessable
from app.qvalues import quality

# Headers are attacker-controlled; bound the work before parsing (real browsers send
# well under 200 characters and a handful of ranges).
_MAX_HEADER = 4096
_MAX_RANGES = 64
_RANGE = re.compile(r"^(?:\*|[A-Za-z]{1,8}(?:[-_][A-Za-z0-9]{1,8})*)$")


@dataclass(frozen=True, slots=True)
class _Range:
    primary: str  # lowercased primary subtag, or "*"
    q: float
    position: int


def negotiate(
    requested: str | None,
    accept_language: str | None,
    supported: Collection[str],
    default: str,
) -> str:
    """The language to write in. An explicit but unsupported choice is the client's error."""
    if requested is not None and requested.strip():
        primary = _primary(requested.strip())
        if primary not in supported:
            listed = ", ".join(sorted(supported))
            raise Unprocessable.for_field(
                "language", f"{requested.strip()!r} is not available; supported: {listed}"
            )
        return primary
    return best_match(accept_language, supported, default) or default


def best_match(
    accept_language: str | None, supported: Collection[str], default: str | None = None
) -> str | None:
    """The supported language the header prefers most, honouring q-values; None if none."""
    ranges = parse_accept_language(accept_language)
    excluded = {r.primary for r in ranges if r.q == 0 and r.primary != "*"}
    for item in sorted((r for r in ranges if r.q > 0), key=lambda r: (-r.q, r.position)):
        if item.primary != "*":
            if item.primary in supported:
                return item.primary
            continue
        # "*" is any language not refused: the campaign's default where allowed, else a
        # stable pick, so the same header always gives the same letter.
        rest = sorted(lang for lang in supported if lang not in excluded)
        if default in rest:
            return default
        if rest:
            return rest[0]
    return None


def parse_accept_language(header: str | None) -> list[_Range]:
    """The well-formed ranges of an Accept-Language header; junk is skipped, never raised."""
    if not header:
        return []
    ranges: list[_Range] = []
    for position, part in enumerate(header[:_MAX_HEADER].split(",")[:_MAX_RANGES]):
        item = _parse_range(part, position)
        if item is not None:
            ranges.append(item)
    return ranges


def _parse_range(part: str, position: int) -> _Range | None:
    tag, *params = (p.strip() for p in part.split(";"))
    if not _RANGE.match(tag):
        return None
    q = quality(params)
    return None if q is None else _Range(_primary(tag), q, position)


def _primary(tag: str) -> str:
    if "-" not in tag and "_" not in tag:  # "en", asked on every compose: no regex to run
        return tag.lower()
    return re.split(r"[-_]", tag, maxsplit=1)[0].lower()
