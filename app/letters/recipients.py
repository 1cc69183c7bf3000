"""Which of an embassy's addresses a letter goes to, and whether the platform may send it.

Pure: the policy (settings, and the addresses that bounced hard) and the date are given.
Recent addresses come before dated ones (app/directory/freshness.py), the directory's own
order (general first) within each; an address with a hard bounce recorded is never chosen.
"""

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from app.directory.freshness import DEFAULT_DATED_AFTER_YEARS, Freshness
from app.directory.models import Embassy
from app.settings import Settings


@dataclass(frozen=True, slots=True)
class MailPolicy:
    dated_after_years: int = DEFAULT_DATED_AFTER_YEARS
    send_to_dated: bool = False  # LETTERS_SEND_TO_DATED_EMAILS
    bounced: frozenset[str] = field(default_factory=frozenset)  # lower-case addresses


def mail_policy(settings: Settings, bounced: frozenset[str] = frozenset()) -> MailPolicy:
    return _policy(settings.email_dated_after_years, settings.send_to_dated_emails, bounced)


@lru_cache(maxsize=64)  # one policy a compose: kept rather than built (a frozen dataclass)
def _policy(dated_after_years: int, send_to_dated: bool, bounced: frozenset[str]) -> MailPolicy:
    return MailPolicy(dated_after_years, send_to_dated, bounced)


@dataclass(frozen=True, slots=True)
class Recipients:
    to: list[str]
    dated: list[str]  # of `to`, the dated addresses
    bounced: list[str]  # addresses on file left out: a hard bounce was recorded
    blocked: str | None  # why the platform will not send: a warning/problem code, or None


def recipients(embassy: Embassy, policy: MailPolicy, today: date) -> Recipients:
    fresh = Freshness(today, policy.dated_after_years)
    bounced = [a for a in embassy.emails if a.lower() in policy.bounced]
    usable = sorted((a for a in embassy.emails if a not in bounced),
                    key=lambda a: fresh.is_dated(embassy, a))
    to = usable[:1]
    dated = [a for a in to if fresh.is_dated(embassy, a)]
    blocked = None
    if not to:
        blocked = "email_bounced" if bounced else "no_email_on_file"
    elif not policy.send_to_dated and not all(fresh.platform_may_send(embassy, a) for a in to):
        blocked = "email_dated"
    return Recipients(to, dated, bounced, blocked)
