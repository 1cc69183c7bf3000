"""Per country: which mission answers for it, and what we know about that mission.

The table behind `python -m app embassies check --report`, so a researcher sees at a glance
which countries lack a mission, an e-mail, an address or a precise point.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from app.directory import countries
from app.directory.freshness import Freshness
from app.directory.models import Embassy
from app.directory.relations import Relations


@dataclass(frozen=True, slots=True)
class CoverageRow:
    country: str
    how: str  # "embassy", "interests section", "stand-in", "served by", "accredited",
    # "no relations", "suspended", "closed", "none"
    mission: Embassy | None

    @property
    def missing(self) -> list[str]:
        """The facts a letter-writer would want and we do not have."""
        m = self.mission
        if self.how in ("suspended", "closed"):
            return ["an open mission"]
        if m is None:
            return [] if self.how == "no relations" else ["a mission"]
        gaps = [] if m.emails else ["e-mail"]
        gaps += [] if m.address else ["address"]
        gaps += [] if m.coord_precision != "city" else ["precise point"]
        return gaps


def coverage(records: Sequence[Embassy], relations: Relations) -> list[CoverageRow]:
    """One row per UN member or observer, and per other country that has a record."""
    by_id = {r.id: r for r in records}
    open_heads = {r.country: r for r in records if r.is_open and r.is_embassy_level}
    accredited = {
        c: r for r in open_heads.values() for c in r.accredited_to if c != r.country
    }
    codes = countries.sovereign_states() | {r.country for r in records}
    return [_row(c, open_heads, accredited, by_id, relations) for c in sorted(codes - {"RU"})]


def _row(
    code: str, heads: dict[str, Embassy], accredited: dict[str, Embassy],
    by_id: dict[str, Embassy], relations: Relations,
) -> CoverageRow:
    if code in heads:
        kind = heads[code].kind.replace("_", " ")
        return CoverageRow(code, kind, heads[code])
    for how, named in (("stand-in", relations.stand_ins), ("served by", relations.served_by)):
        mission = by_id.get(named[code].mission) if code in named else None
        if mission is not None and mission.is_open:
            return CoverageRow(code, how, mission)
    if code in accredited:
        return CoverageRow(code, "accredited", accredited[code])
    if code in relations.no_relations:
        return CoverageRow(code, "no relations", None)
    shut = [r for r in by_id.values() if r.country == code and r.is_embassy_level]
    if shut:  # Yemen: the embassy exists, its presence is suspended
        return CoverageRow(code, shut[0].status, shut[0])
    return CoverageRow(code, "none", None)


def format_rows(rows: Sequence[CoverageRow], freshness: Freshness | None = None) -> list[str]:
    lines = []
    for row in rows:
        name = countries.name(row.country)[:28]
        where = row.mission.id if row.mission is not None else "-"
        missing = ", ".join(row.missing) or "-"
        line = f"  {row.country} {name:<28} {row.how:<18} {where:<38} missing: {missing}"
        lines.append(line + _dated(row.mission, freshness))
    return lines


def _dated(mission: Embassy | None, freshness: Freshness | None) -> str:
    if mission is None or freshness is None:
        return ""
    dated = [f"{a} ({mission.email_dates[a]})" for a in freshness.dated(mission)]
    return f"; dated: {', '.join(dated)}" if dated else ""
