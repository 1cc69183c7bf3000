"""One OutgoingEmail as a standards-correct MIME message (stdlib `email`, never hand-built).

Headers are written by `email.headerregistry`, so non-ASCII display names and subjects become
RFC 2047 encoded-words and a CR/LF in any value raises instead of injecting a header.
Bodies are UTF-8 in quoted-printable: safe over relays without 8BITMIME.
"""

from datetime import UTC, datetime
from email import policy
from email.headerregistry import Address as MimeAddress
from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import EmailMessage
from email.utils import format_datetime

import idna

from app.delivery.provider import Address, OutgoingEmail

# Headers `to_mime` writes itself; an extra header must not silently replace one of them.
OWN_HEADERS = frozenset(
    {"from", "to", "cc", "bcc", "reply-to", "subject", "date", "message-id", "mime-version"}
    | {"content-type", "content-transfer-encoding"}
)


class _HeaderClasses(HeaderRegistry):
    """The stdlib's registry makes a new class (type()) for every header it parses, the
    same class each time for a name: about a third of building a message. Made once here."""

    def __init__(self) -> None:
        super().__init__()
        self.made: dict[str, type[BaseHeader]] = {}

    def __getitem__(self, name: str) -> type[BaseHeader]:
        key = name.lower()
        made = self.made.get(key)
        if made is None:
            made = self.made[key] = super().__getitem__(name)
        return made


SMTP = policy.SMTP.clone(header_factory=_HeaderClasses())
SMTPUTF8 = policy.SMTPUTF8.clone(header_factory=_HeaderClasses())


def to_mime(email: OutgoingEmail) -> EmailMessage:
    """The message to hand to SMTP or to a provider's raw-MIME API."""
    needs_utf8 = any(not _ascii(a.email.partition("@")[0]) for a in _addresses(email))
    message = EmailMessage(policy=SMTPUTF8 if needs_utf8 else SMTP)
    message["From"] = _mime_address(email.sender)
    message["To"] = [_mime_address(a) for a in email.to]
    if email.cc:
        message["Cc"] = [_mime_address(a) for a in email.cc]
    if email.reply_to is not None:
        message["Reply-To"] = _mime_address(email.reply_to)
    message["Subject"] = email.subject
    message["Date"] = format_datetime(_aware(email.date))
    message["Message-ID"] = email.message_id
    for name, value in email.headers:
        if name.lower() in OWN_HEADERS:
            raise ValueError(f"header {name} is set from the message fields")
        message[name] = value
    message.set_content(email.text, cte="quoted-printable")
    if email.html is not None:
        message.add_alternative(email.html, subtype="html", cte="quoted-printable")
    return message


def envelope_recipients(email: OutgoingEmail) -> list[str]:
    """Every address the message goes to, in SMTP (A-label domain) form."""
    return [smtp_address(a) for a in (*email.to, *email.cc)]


def _addresses(email: OutgoingEmail) -> list[Address]:
    extra = [email.reply_to] if email.reply_to is not None else []
    return [email.sender, *email.to, *email.cc, *extra]


def _mime_address(address: Address) -> MimeAddress:
    local, _, domain = address.email.rpartition("@")
    if not local or not domain:
        raise ValueError("an address needs a local part and a domain")
    return MimeAddress(display_name=address.name or "", username=local, domain=_a_label(domain))


def smtp_address(address: Address) -> str:
    """`local@domain` with the domain as an A-label: the SMTP envelope form."""
    local, _, domain = address.email.rpartition("@")
    return f"{local}@{_a_label(domain)}"


def _a_label(domain: str) -> str:
    # An internationalised domain travels as punycode, so only a non-ASCII local part
    # ever needs SMTPUTF8 from the receiving side.
    if _ascii(domain):
        return domain
    return idna.encode(domain, uts46=True).decode("ascii")


def _ascii(text: str) -> bool:
    return text.isascii()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
