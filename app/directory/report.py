"""What `check` finds, and how it reads on a terminal."""

import textwrap
from dataclasses import dataclass, field

from app.directory import countries
from app.directory.coverage import CoverageRow, format_rows
from app.directory.freshness import Freshness
from app.directory.summary import format_figures


@dataclass(slots=True)
class Gaps:
    uncovered_countries: list[str] = field(default_factory=list)  # ISO codes, sorted
    embassies_without_email: list[str] = field(default_factory=list)  # record ids
    city_level_coords: list[str] = field(default_factory=list)  # record ids


@dataclass(slots=True)
class Report:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    gaps: Gaps = field(default_factory=Gaps)
    figures: dict[str, int] = field(default_factory=dict)
    coverage: list[CoverageRow] = field(default_factory=list)
    freshness: Freshness | None = None  # which addresses count as dated
    email_coverage: str = ""  # "sourced e-mail N/M (X %), of which dated ... K"

    @property
    def ok(self) -> bool:
        return not self.errors

    def format(self, full: bool = False) -> str:
        """Errors first (what blocks a release), then warnings, gaps and figures;
        with `full`, the coverage table: every country, its mission, what is missing."""
        lines = [f"errors: {len(self.errors)}", *_items(self.errors)]
        lines += [f"warnings: {len(self.warnings)}", *_items(self.warnings)]
        gaps = self.gaps
        uncovered = [f"{countries.name(c)} ({c})" for c in gaps.uncovered_countries]
        lines += [
            "gaps:",
            f"  states with relations but no mission and no accreditation: {len(uncovered)}",
            *_wrapped(uncovered),
            f"  open embassies without an e-mail: {len(gaps.embassies_without_email)}",
            *_wrapped(gaps.embassies_without_email),
            f"  records placed only at their city: {len(gaps.city_level_coords)}",
            "figures:",
            *format_figures(self.figures),
        ]
        if self.email_coverage:
            lines += ["e-mail coverage (host countries with an open embassy-level record):",
                      f"  {self.email_coverage}"]
        if full:
            lines += ["coverage (country, how it is served, by which record, what is missing; "
                      "dated: addresses whose newest source is old, with its date):",
                      *format_rows(self.coverage, self.freshness)]
        lines.append("result: " + ("OK" if self.ok else "FAILED"))
        return "\n".join(lines)


def _items(messages: list[str]) -> list[str]:
    return [f"  - {m}" for m in messages]


def _wrapped(words: list[str]) -> list[str]:
    return textwrap.wrap(", ".join(words), width=96, initial_indent="    ",
                         subsequent_indent="    ", break_on_hyphens=False)
