"""How recent an e-mail address's sources are, and which addresses the platform may send to.

Every served address keeps its sources; `email_dates` (built from `source_dates`) names the
date of the newest source that shows it. An address whose newest source is older than
`LETTERS_EMAIL_DATED_AFTER_YEARS` is *dated*: an official source with its date is still a
source, so it is served, but said to be old (compose warns `email_dated`). A dated address
off the ministry's domain (a local ISP mailbox, gmail) may have died or been handed to
someone else: the platform does not send to it unless told to (`LETTERS_SEND_TO_DATED_EMAILS`).
Pure: the date is passed in.
"""

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from app.directory.models import Embassy

MINISTRY_DOMAIN = "mid.ru"
DEFAULT_DATED_AFTER_YEARS = 5


def newest_date(sources: Iterable[str], dates: Mapping[str, str]) -> str | None:
    """The latest of the sources' dates (YYYY[-MM[-DD]]), None if none is dated.

    ISO prefixes sort as dates do, except that "2015" sorts before "2015-03": the more
    precise of two dates in the same period is kept, which is the better reading."""
    known = [dates[s] for s in sources if s in dates]
    return max(known) if known else None


def period_end(value: str) -> date:
    """The last day a partial date can mean: "2015" is 2015-12-31, "2015-03" 2015-03-31. A
    source counts as dated only once even its latest possible day is past the cut-off."""
    parts = [int(p) for p in value.split("-")]
    year, month = parts[0], parts[1] if len(parts) > 1 else 12
    day = parts[2] if len(parts) > 2 else calendar.monthrange(year, month)[1]
    return date(year, month, day)


def on_ministry_domain(address: str) -> bool:
    domain = address.rsplit("@", 1)[-1].lower()
    return domain == MINISTRY_DOMAIN or domain.endswith("." + MINISTRY_DOMAIN)


@dataclass(frozen=True, slots=True)
class Freshness:
    """When an address counts as dated: its newest source older than `years` before `today`.
    An address no source dates is not called dated: nothing says it is old."""

    today: date
    years: int = DEFAULT_DATED_AFTER_YEARS

    @property
    def cutoff(self) -> date:
        try:
            return self.today.replace(year=self.today.year - self.years)
        except ValueError:  # 29 February
            return self.today.replace(year=self.today.year - self.years, day=28)

    def is_dated(self, embassy: Embassy, address: str) -> bool:
        newest = embassy.email_dates.get(address)
        return newest is not None and period_end(newest) < self.cutoff

    def dated(self, embassy: Embassy) -> list[str]:
        """The record's dated addresses, in its own order."""
        return [a for a in embassy.emails if self.is_dated(embassy, a)]

    def platform_may_send(self, embassy: Embassy, address: str) -> bool:
        """Not dated, or dated but on the ministry's own domain (which does not lapse)."""
        return not self.is_dated(embassy, address) or on_ministry_domain(address)
