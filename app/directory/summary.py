"""Figures about a set of records, for the build's printout and the check's report."""

from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from app.directory.freshness import Freshness
from app.directory.models import Embassy


def figures(records: Iterable[Embassy]) -> dict[str, int]:
    """Counts a reader wants first: how much of the directory can actually be used."""
    rows = list(records)
    open_rows = [r for r in rows if r.is_open]
    heads = {r.country: r for r in open_rows if r.is_embassy_level}
    precision = Counter(r.coord_precision for r in rows)
    status = Counter(r.status for r in rows)
    return {
        "records": len(rows),
        "open": status["open"],
        "suspended": status["suspended"],
        "closed": status["closed"],
        "embassy-level records": sum(r.is_embassy_level for r in rows),
        "host countries with an open embassy-level record": len(heads),
        "  of those, with an e-mail": sum(bool(r.emails) for r in heads.values()),
        "open records with an e-mail": sum(bool(r.emails) for r in open_rows),
        "with a street address": sum(r.address is not None for r in rows),
        "coordinates: building": precision["building"],
        "coordinates: street": precision["street"],
        "coordinates: city only": precision["city"],
        "with a website": sum(r.website is not None for r in rows),
        "with a phone": sum(bool(r.phones) for r in rows),
    }


def email_coverage(records: Iterable[Embassy], freshness: Freshness) -> str:
    """Host countries whose open embassy-level record has a sourced address, and of those,
    how many have only dated ones (a letter there goes to an address a source showed long
    ago)."""
    heads = {r.country: r for r in records if r.is_open and r.is_embassy_level}
    with_email = [r for r in heads.values() if r.emails]
    dated = sum(len(freshness.dated(r)) == len(r.emails) for r in with_email)
    share = 100 * len(with_email) / len(heads) if heads else 0.0
    return (f"sourced e-mail {len(with_email)}/{len(heads)} ({share:.0f} %), of which dated "
            f"(newest source older than {freshness.years} years) {dated}")


def format_figures(values: dict[str, int]) -> list[str]:
    width = max(map(len, values), default=0)
    return [f"  {name.ljust(width)}  {count:>4}" for name, count in values.items()]


def build_summary(
    records: Sequence[Embassy], left_out: Sequence[tuple[str, str]],
    notices: Sequence[str], out: Path,
) -> str:
    lines = [f"wrote {out} ({len(records)} records)", *format_figures(figures(records))]
    lines.append(f"left out: {len(left_out)}")
    lines += [f"  {record_id}: {why}" for record_id, why in left_out]
    if notices:
        lines.append(f"notices: {len(notices)}")
        lines += [f"  {n}" for n in notices]
    return "\n".join(lines)
