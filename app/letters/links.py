"""One-tap compose links: an RFC 6068 `mailto:` and Gmail, Outlook and Yahoo web compose URLs.

Sources are in /work/shared/reference/links.md; section numbers below refer to RFC 6068 unless
they name that file ("ref §…").
"""

import codecs
from collections.abc import Collection, Sequence
from functools import lru_cache
from typing import Final, Literal, NamedTuple
from urllib.parse import unquote

import idna

from app.campaigns.models import each_known, is_paragraphs, known_pieces

LinkName = Literal["mailto", "gmail", "outlook", "yahoo"]
LINK_NAMES: Final[tuple[LinkName, ...]] = ("mailto", "gmail", "outlook", "yahoo")

GMAIL_COMPOSE: Final = "https://mail.google.com/mail/?view=cm&fs=1"
# outlook.live.com, not outlook.office.com: the people writing are private persons, mostly
# with personal Outlook.com/Hotmail accounts, and for those outlook.live.com composed while
# outlook.office.com answered with a server error (datenanfragen/website PR #416, ref §2.2).
# Work/school (Microsoft 365) accounts need outlook.office.com/mail/deeplink/compose instead;
# whether live.com hands them over is untested (the reference has no evidence either way).
OUTLOOK_COMPOSE: Final = "https://outlook.live.com/mail/0/deeplink/compose"
YAHOO_COMPOSE: Final = "https://compose.mail.yahoo.com/"

_UNRESERVED: Final = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
# Octet -> what the URL carries for it. `codecs.charmap_encode` applies it in C: a letter's
# body is encoded on every compose, and `urllib.parse.quote` does it one octet at a time in
# Python (most of the time compose took). Same output as `quote(value, safe="")`.
_PERCENT: Final = {
    octet: bytes([octet]) if octet in _UNRESERVED else b"%%%02X" % octet for octet in range(256)
}
# The same for ASCII, as text: what `_encode_by_replace` puts for each octet it replaces.
_ASCII_PERCENT: Final = tuple(_PERCENT[octet].decode("ascii") for octet in range(128))
_PERCENT_SIGN: Final = ord("%")


class Links(NamedTuple):
    """Compose links, each carrying the whole letter. A named tuple: built every letter, and
    a frozen dataclass of five fields cost twice its instructions to build."""

    mailto: str
    gmail: str
    outlook: str
    yahoo: str
    # The mailto without its body (the fallback when a link is too long), where known.
    bodyless_mailto: str | None = None

    def as_dict(self) -> dict[LinkName, str]:
        # Not `astuple`: that deep-copies every string, on every compose.
        return {"mailto": self.mailto, "gmail": self.gmail, "outlook": self.outlook,
                "yahoo": self.yahoo}


class MailtoParts(NamedTuple):
    """What a `mailto:` URI decodes to; `body` uses "\\n" for line breaks."""

    to: list[str]
    subject: str
    body: str
    cc: list[str]


def encode(value: str) -> str:
    """Percent-encode UTF-8 octets of everything but RFC 3986 unreserved (ALPHA DIGIT - . _ ~).

    Stricter than RFC 6068 §2 requires, on purpose: space is %20 and never "+" (a "+" cannot be
    told from a real plus, §5), "+" is %2B, and & = # ? % are always data, never delimiters.
    """
    octets = value.encode("utf-8")  # strict: a lone surrogate raises, as with `quote`
    encoded = octets.translate(None, _UNRESERVED)  # the octets to encode, at C speed
    if not encoded:
        return value  # nothing to encode (an address part, a single word)
    if value.isascii():
        return _encode_by_replace(value, frozenset(encoded))
    # latin-1 turns each octet into the one character `_PERCENT` is keyed by.
    return codecs.charmap_encode(octets.decode("latin-1"), "strict", _PERCENT)[0].decode("ascii")


def _encode_by_replace(text: str, octets: frozenset[int]) -> str:
    """`encode` for ASCII `text` whose octets to encode are `octets`: one replace for each,
    a scan at C speed, where the table costs a dict lookup per character (a tenth of the
    instructions for a paragraph in English, a quarter for an address; for text beyond
    ASCII, where nearly every octet is encoded, the table is quicker)."""
    if _PERCENT_SIGN in octets:
        text = text.replace("%", "%25")  # first: the other escapes bring their own "%"
    for octet in octets:  # in any order: an escape's "%" is done, its hex digits are kept
        if octet != _PERCENT_SIGN:
            text = text.replace(chr(octet), _ASCII_PERCENT[octet])
    return text


def ascii_address(address: str) -> str:
    """The address as the links carry it: a non-ASCII domain in its IDNA (punycode) form.

    RFC 6068 §2 item 4: producers SHOULD prefer IDNA for domains because old clients do not
    decode percent-encoded UTF-8 there. The local part is kept as it is. Raises ValueError for
    an address without "@", with a line break, or with a domain IDNA rejects.
    """
    _reject_line_breaks(address, "an address")
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        raise ValueError(f"not an e-mail address: {address!r}")
    if not domain.isascii():
        domain = idna.encode(domain, uts46=True).decode("ascii")  # IDNAError is a ValueError
    return f"{local}@{domain}"


def build_links(
    to: list[str],
    subject: str,
    body: str,
    cc: list[str] | None = None,
    *,
    fixed: Collection[str] = frozenset(),
    parts: Sequence[str] = (),
    known: Sequence[Sequence[str]] = (),
) -> Links:
    """Every link for one letter. `body` uses "\\n" (a "\\r\\n" or lone "\\r" is a break too).

    `fixed`: lines that are the campaign's own wording, never the person's (see
    `encoded_lines`). `parts`: the body's paragraphs, when known, and `known` the campaign's
    text in each (`Letter.known`, see `_body_lines`). Raises
    ValueError when the subject or an address holds a line break (§5: breaks belong only in
    the body) or an address is not one.
    """
    _reject_line_breaks(subject, "the subject")
    recipients = [ascii_address(a) for a in to]
    copies = [ascii_address(a) for a in cc or ()]
    # Each value is encoded once for all four links; the body is the long part, its lines
    # joined by an encoded LF for webmail and an encoded CRLF for the mailto (§5: line
    # breaks in a mailto body MUST be %0D%0A).
    subject_q, body_lines = encode_text(subject, fixed), _body_lines(body, fixed, parts, known)
    body_q = "%0A".join(body_lines)
    # Webmail: "," between addresses is data there, %2C.
    head = f"to={encode(','.join(recipients))}"
    if copies:
        head += f"&cc={encode(','.join(copies))}"
    bodyless = _mailto(recipients, copies, subject_q, None)  # `body` goes last, see _mailto
    return Links(
        mailto=f"{bodyless}&body={'%0D%0A'.join(body_lines)}",
        gmail=_web_url(GMAIL_COMPOSE, "su", head, subject_q, body_q),
        outlook=_web_url(OUTLOOK_COMPOSE, "subject", head, subject_q, body_q),
        yahoo=_web_url(YAHOO_COMPOSE, "subject", head, subject_q, body_q),
        bodyless_mailto=bodyless,
    )


def encode_text(text: str, fixed: Collection[str] = frozenset()) -> str:
    """`encode(text)` for text with "\\n" breaks (see `encoded_lines`)."""
    return "%0A".join(encoded_lines(text, fixed))


def encoded_lines(
    text: str, fixed: Collection[str] = frozenset(), known: Sequence[str] = ()
) -> list[str]:
    """Each line of `text` ("\\n" breaks) encoded: encoding is per character, so the lines
    joined by %0A are `encode(text)`, and joined by %0D%0A the text with CRLF breaks (§5).
    A line in `fixed` is the campaign's own wording: its encoding is kept for the next
    letter. Other lines may be the person's and are never kept; in those, the campaign's
    text among `known` (the literals of the wording they were rendered from) is encoded once
    for all letters and only the rest anew (`encode_known`)."""
    fresh = encode if not known else lambda line: encode_known(line, known)
    return [
        _encode_fixed(line) if line in fixed else fresh(line) if line else ""
        for line in text.split("\n")
    ]


def encode_known(text: str, known: Sequence[str]) -> str:
    """`encode(text)`, the pieces of `text` that are one of `known` (campaign wording only)
    encoded once and kept: a paragraph around the person's city is mostly the campaign's,
    and text beyond ASCII is encoded octet by octet through a table (for ASCII text too,
    encoding only the gaps costs less than replacing through the whole line, callgrind)."""
    return "".join(known_pieces(text, known, encode, _encode_fixed))


def _body_lines(
    body: str, fixed: Collection[str], parts: Sequence[str], known: Sequence[Sequence[str]] = ()
) -> list[str]:
    """`encoded_lines(lf_line_breaks(body), fixed)`, paragraph by paragraph when `parts` are
    the body's paragraphs: a paragraph that is one of the campaign's lines is looked up whole,
    without splitting the body and hashing each of its lines anew (a tenth of a compose), and
    the others' lines with their paragraph's `known` literals (one for each part, or none).
    Splitting "p1\\n\\np2" at "\\n" gives p1's lines, "", then p2's: the same lines."""
    if "\r" in body or not is_paragraphs(parts, body):
        return encoded_lines(lf_line_breaks(body), fixed)
    lines: list[str] = []
    for part, literals in zip(parts, each_known(parts, known), strict=True):
        if lines:
            lines.append("")
        if part in fixed and "\n" not in part:  # one line, the campaign's
            lines.append(_encode_fixed(part))
        else:
            lines += encoded_lines(part, fixed, literals)
    return lines


@lru_cache(maxsize=8192)  # only ever campaign wording, which is loaded once: bounded anyway
def _encode_fixed(line: str) -> str:
    return encode(line)


def mailto_url(
    to: Sequence[str], subject: str, body: str | None = None, cc: Sequence[str] = ()
) -> str:
    """An RFC 6068 `mailto:`; no `body` field when `body` is None, no `cc` field when empty."""
    body_q = None if body is None else "%0D%0A".join(encoded_lines(lf_line_breaks(body)))
    return _mailto(to, cc, encode(subject), body_q)


def _mailto(to: Sequence[str], cc: Sequence[str], subject_q: str, body_q: str | None) -> str:
    """The `mailto:` from values already encoded (`body_q` with %0D%0A breaks, or None).

    Recipients go in the path, not a `to=` field: mixing both is NOT RECOMMENDED (§2). Empty
    fields are left out because desktop Outlook showed "&bcc=" junk in CC (mariordev/mailtoui
    #11). `body` comes last so a client that cuts a long URL keeps recipients and subject.
    """
    fields = []
    if cc:
        fields.append(f"cc={_mailto_addresses(cc)}")
    fields.append(f"subject={subject_q}")
    if body_q is not None:
        fields.append(f"body={body_q}")
    return f"mailto:{_mailto_addresses(to)}?{'&'.join(fields)}"


def decode_mailto(url: str) -> MailtoParts:
    """Decode a `mailto:` per RFC 6068, exactly once; the body's CRLF comes back as "\\n".

    Addresses are split at literal commas before percent-decoding (a comma that is data is
    %2C, §2). `to=` fields add to the path's recipients; field names are case-insensitive (§2);
    fields other than to, cc, subject and body are ignored. Domains stay as the link has them.
    """
    scheme, colon, rest = url.partition(":")
    if not colon or scheme.lower() != "mailto":
        raise ValueError(f"not a mailto URI: {url[:40]!r}")
    path, _, query = rest.partition("?")
    parts = MailtoParts(to=_split_addresses(path), subject="", body="", cc=[])
    for field in filter(None, query.split("&")):
        parts = _apply_field(parts, field)
    return parts


def _apply_field(parts: MailtoParts, field: str) -> MailtoParts:
    raw_name, _, raw_value = field.partition("=")
    name = _decode(raw_name).lower()
    if name == "to":
        return parts._replace(to=parts.to + _split_addresses(raw_value))
    if name == "cc":
        return parts._replace(cc=parts.cc + _split_addresses(raw_value))
    if name == "subject":
        return parts._replace(subject=_decode(raw_value))
    if name == "body":
        return parts._replace(body=_decode(raw_value).replace("\r\n", "\n"))
    return parts


def _web_url(base: str, subject_param: str, head: str, subject_q: str, body_q: str) -> str:
    """A webmail compose URL: `head` (to, and cc when given), subject, then body last.

    Values are encoded like the open-source handlers in ref §2 do (encodeURIComponent: %20,
    never "+"), so the comma between addresses is %2C and a line break is %0A ("\\n", as those
    handlers send it; CRLF is the mailto rule and would only make the URL longer).
    `head`, `subject_q` and `body_q` come encoded already (the body with "\\n" breaks).
    """
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}{head}&{subject_param}={subject_q}&body={body_q}"


def _mailto_addresses(addresses: Sequence[str]) -> str:
    # "@" and the separating "," stay literal (they are the syntax, §2); everything else in
    # the address is encoded, so a sub-address "+" is %2B, which §5 allows and which survives
    # handlers that decode "+" as a space.
    return ",".join(_mailto_address(a) for a in addresses)


def _mailto_address(address: str) -> str:
    local, _, domain = address.rpartition("@")
    return f"{encode(local)}@{encode(domain)}"


def _split_addresses(raw: str) -> list[str]:
    return [_decode(a) for a in raw.split(",") if a]


def _decode(value: str) -> str:
    # Plain percent-decoding: a "+" is a plus (RFC 6068 is not form encoding, §5).
    return unquote(value, errors="strict")


def lf_line_breaks(text: str) -> str:
    """Every line break ("\\r\\n", lone "\\r", "\\n") as "\\n"."""
    if "\r" not in text:  # the usual case, and a far quicker scan than replacing "\r\n"
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _reject_line_breaks(value: str, what: str) -> None:
    if "\r" in value or "\n" in value:
        raise ValueError(f"{what} must not contain a line break")
