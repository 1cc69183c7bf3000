"""The e-mails of the send flow as provider-neutral OutgoingEmail values. Pure: no I/O.

The letter goes From the platform (DMARC alignment) in the person's name, Reply-To the person,
To the embassy; the person's own e-mails (confirmation, failure notice) carry a copy of it.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.delivery.provider import Address, OutgoingEmail
from app.directory.models import Embassy
from app.letters.dates import long_datetime
from app.letters.mail_templates import MailTemplates
from app.letters.mail_texts import texts
from app.letters.stored import Platform, StoredLetter


@dataclass(frozen=True, slots=True)
class Copy:
    """The letter as the person will see it quoted."""

    sender: str
    reply_to: str
    to: str
    cc: str
    subject: str
    body: str


def one_line(text: str) -> str:
    """A display name never carries a line break (header injection) or runs of spaces."""
    return " ".join(text.split())


def letter_email(letter: StoredLetter, platform: Platform, now: datetime) -> OutgoingEmail:
    """The letter to the embassy (or to LETTERS_REDIRECT_ALL_TO on staging)."""
    name = one_line(letter.sender_name or "")
    person = Address(letter.sender_email or "", name or None)
    to = [Address(a) for a in letter.recipients]
    headers: tuple[tuple[str, str], ...] = ()
    if platform.redirect_all_to:
        headers = (("X-Letters-Redirected-From", ", ".join(letter.recipients)),)
        to = [Address(platform.redirect_all_to)]
    return OutgoingEmail(
        sender=Address(platform.from_email, f"{name} via {platform.from_name}"),
        to=tuple(to),
        cc=(person,) if letter.cc_sender else (),
        reply_to=person,
        subject=letter.subject or "",
        text=letter.body or "",
        message_id=letter.message_id,
        date=now,
        reference=letter.reference,
        headers=headers,
    )


def copy_of(letter: StoredLetter, platform: Platform) -> Copy:
    name = one_line(letter.sender_name or "")
    return Copy(
        sender=f'"{name} via {platform.from_name}" <{platform.from_email}>',
        reply_to=letter.sender_email or "",
        to=", ".join(letter.recipients),
        cc=(letter.sender_email or "") if letter.cc_sender else "",
        subject=letter.subject or "",
        body=letter.body or "",
    )


def _to_person(
    letter: StoredLetter, platform: Platform, subject: str, bodies: tuple[str, str],
    reference: str, now: datetime,
) -> OutgoingEmail:
    return OutgoingEmail(
        sender=Address(platform.from_email, platform.from_name),
        to=(Address(letter.sender_email or "", one_line(letter.sender_name or "") or None),),
        subject=subject,
        text=bodies[0],
        html=bodies[1],
        message_id=platform.message_id(reference),
        date=now,
        reference=reference,
    )


def confirmation_email(
    letter: StoredLetter, embassy: Embassy, token: str, platform: Platform,
    templates: MailTemplates, reference: str, now: datetime,
) -> OutgoingEmail:
    """The double opt-in: the link that queues the letter, and a copy of what will go."""
    t = texts(letter.language)
    subject = t["confirm_subject"].format(embassy=embassy.name)
    expires = long_datetime(letter.expires_at, letter.language)
    context: dict[str, Any] = {
        "t": t, "language": letter.language, "subject": subject,
        "intro": t["confirm_intro"].format(embassy=embassy.name),
        "expiry": t["confirm_expiry"].format(expires=expires),
        "link": platform.confirm_url(token), "copy": copy_of(letter, platform),
    }
    bodies = (templates.text("confirmation", **context), templates.html("confirmation", **context))
    return _to_person(letter, platform, subject, bodies, reference, now)


def notice_email(
    letter: StoredLetter, embassy: Embassy, platform: Platform, templates: MailTemplates,
    reference: str, now: datetime, pdf_token: str | None,
) -> OutgoingEmail:
    """The letter bounced or failed: a copy, and the embassy's other ways in, among them a
    link to this very letter as a PDF (none for a notice queued before links had tokens)."""
    t = texts(letter.language)
    subject = t["notice_subject"].format(embassy=embassy.name)
    pdf_url = platform.pdf_url(letter.id, pdf_token) if pdf_token else None
    context: dict[str, Any] = {
        "t": t, "language": letter.language, "subject": subject,
        "intro": t["notice_intro"].format(embassy=embassy.name),
        "reason": letter.reason, "website": embassy.website, "address": embassy.address,
        "pdf": t["pdf"].format(url=pdf_url) if pdf_url else None, "pdf_url": pdf_url,
        "copy": copy_of(letter, platform),
    }
    bodies = (templates.text("notice", **context), templates.html("notice", **context))
    return _to_person(letter, platform, subject, bodies, reference, now)
