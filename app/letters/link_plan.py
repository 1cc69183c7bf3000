"""Which compose links are too long for which mail clients, and what to offer instead.

No standard sets a URL limit (RFC 6068 has none); the weakest hop decides. The numbers below
are from /work/shared/reference/links.md §3 ("ref"), each with the source it gives.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final, Literal, NamedTuple

from app.letters.links import LINK_NAMES, LinkName, Links, lf_line_breaks, mailto_url


@dataclass(frozen=True, slots=True)
class ClientLimit:
    client: str  # machine-readable id, as it appears in LinkWarning.clients
    label: str  # for people, as it appears in LinkWarning.message
    link: LinkName  # the link this client opens
    max_length: int  # longest encoded URL, in characters, that we expect to work


CLIENT_LIMITS: Final[tuple[ClientLimit, ...]] = (
    # Windows hands a mailto: to the mail app through ShellExecute: shell.openExternal fails
    # above 2,081 (electron/electron #9987, citing Microsoft KB 208427: 2,083); Outlook desktop
    # did not open above 2,046 (superruub.wordpress.com, 2013); IE11 failed at 2,029 (Stack
    # Overflow answer 33041454). 2,000 stays under the lowest of these.
    ClientLimit(
        "windows_desktop", "desktop mail apps on Windows, such as Outlook", "mailto", 2_000
    ),
    # A webmail site registered as the browser's mailto handler: Gmail in Firefox worked up
    # to about 1,620 and was unreliable above (superruub blog, 2013). That is the largest
    # length reported to work, not a measured failure, so it is a conservative limit.
    ClientLimit(
        "webmail_mailto_handler", "webmail set up as the browser's mail handler", "mailto", 1_620
    ),
    # Android passes the URI in an Intent; the Binder buffer is ~1 MB per process
    # (thunderbird/thunderbird-android #7702, nextcloud/android #831), but a 17 KB body already
    # arrived mangled in the Gmail app (cketti/EmailIntentBuilder #9). Our choice, below that.
    ClientLimit("android", "Android mail apps", "mailto", 16_000),
    # iOS Mail: no documented limit; "works with up to 1MB" (Stack Overflow q. 4473959, 2011,
    # old and unverified). Our choice: a tenth of it.
    ClientLimit("ios_mail", "iOS Mail", "mailto", 100_000),
    # Gmail web compose: ~4,096 after encoding (codeforboston/maple #1964), "4kb"
    # (netneutrality/savetheinternet.in #140); failures also at 6,410 (defund12/defund12.org
    # #893). Below the lowest figure.
    ClientLimit("gmail_web", "Gmail on the web", "gmail", 4_000),
    # Outlook on the web: "around 2048" (Microsoft 2016 blog quoted at itecnotes.com), 2,056
    # (add-event-to-calendar-docs #19); a later test passed 31,000, but the sign-in redirect
    # adds length (goalgorilla/open_social PR #2356). The reference says to trust the low one.
    ClientLimit("outlook_web", "Outlook on the web", "outlook", 2_000),
    # Yahoo Mail web: no measurement found; the reference says assume at most Gmail's figure.
    ClientLimit("yahoo_web", "Yahoo Mail on the web", "yahoo", 4_000),
)


# How each client's limit reads in a warning: the same on every letter, so written once.
_LIMIT_TEXTS: Final = {c.client: f"{c.label} (limit about {c.max_length:,})" for c in CLIENT_LIMITS}
_LINK_OF: Final = {c.client: c.link for c in CLIENT_LIMITS}


class LinkWarning(NamedTuple):
    """A warning for the compose response; `links` and `clients` are for widgets to act on.

    This and the two below are named tuples, built on every compose: a frozen dataclass of
    four fields took ~7K instructions to build (callgrind), a named tuple ~3K.

    Not called `Warning`: that would shadow the built-in exception class wherever imported.
    """

    code: Literal["link_too_long"]
    message: str
    links: tuple[LinkName, ...]  # the links that are too long somewhere, in LINK_NAMES order
    clients: tuple[str, ...]  # ClientLimit.client ids that will fail, in CLIENT_LIMITS order


class Fallback(NamedTuple):
    """What works everywhere: a mailto without the body, and the letter to paste."""

    mailto: str
    text: str


class LinkPlan(NamedTuple):
    lengths: dict[LinkName, int]  # encoded length of every link, in characters
    warnings: tuple[LinkWarning, ...]  # empty, or one link_too_long warning
    fallback: Fallback | None  # present exactly when a link is too long


def plan_links(
    links: Links,
    body: str,
    subject: str,
    to: Sequence[str],
    cc: Sequence[str] | None = None,
) -> LinkPlan:
    """Measure the links against CLIENT_LIMITS; the links themselves are never shortened.

    `to` and `cc` are in the form the links carry (see links.ascii_address).
    """
    lengths: dict[LinkName, int] = {
        "mailto": len(links.mailto), "gmail": len(links.gmail),
        "outlook": len(links.outlook), "yahoo": len(links.yahoo),
    }
    failing = tuple([c.client for c in CLIENT_LIMITS if lengths[c.link] > c.max_length])
    if not failing:
        return LinkPlan(lengths=lengths, warnings=(), fallback=None)
    # build_links made the mailto without a body too; built here for links from elsewhere.
    bodyless = links.bodyless_mailto or mailto_url(to, subject, body=None, cc=cc or ())
    fallback = Fallback(mailto=bodyless, text=letter_text(subject, body))
    return LinkPlan(lengths=lengths, warnings=(_warning(failing, lengths),), fallback=fallback)


def letter_text(subject: str, body: str) -> str:
    """The whole letter to paste: the subject line, a blank line, then the body."""
    return f"{subject}\n\n{lf_line_breaks(body)}"


def _warning(failing: tuple[str, ...], lengths: dict[LinkName, int]) -> LinkWarning:
    shape = _shape(failing)
    parts = [f"the {link} link ({lengths[link]:,} characters) is too long for {where}"
             for link, where in shape.wheres]
    message = (
        "The letter is too long for a one-tap link in some mail apps: "
        + "; ".join(parts)
        + ". Copy the letter and paste it into a new e-mail instead."
    )
    return LinkWarning(code="link_too_long", message=message, links=shape.links, clients=failing)


class _Shape(NamedTuple):
    links: tuple[LinkName, ...]  # in LINK_NAMES order
    wheres: tuple[tuple[LinkName, str], ...]  # each link, and the clients it fails in, said


@lru_cache(maxsize=128)  # keyed by which clients fail: at most 2**7 sets, none personal
def _shape(failing: tuple[str, ...]) -> _Shape:
    """What a warning says that depends only on which clients fail (the lengths do not)."""
    by_link: dict[LinkName, list[str]] = {}
    for client in failing:  # in CLIENT_LIMITS order, so each link's clients are too
        by_link.setdefault(_LINK_OF[client], []).append(_LIMIT_TEXTS[client])
    links = tuple([n for n in LINK_NAMES if n in by_link])
    return _Shape(links, tuple([(n, ", ".join(by_link[n])) for n in links]))
