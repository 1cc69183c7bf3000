"""The MIME form of a letter, read back by the stdlib parser as a receiving MUA would."""

from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from app.delivery.mime import envelope_recipients, to_mime
from app.delivery.provider import Address

from .factory import EMBASSY, PERSON, letter


def parsed(data: bytes) -> EmailMessage:
    message = message_from_bytes(data, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def test_headers_round_trip_with_cyrillic_names() -> None:
    back = parsed(to_mime(letter()).as_bytes())
    assert back["From"] == "Иван Петров via Embassy Letters <letters@platform.example>"
    assert back["To"] == "Посольство России <consulate@embassy.example>"
    assert back["Cc"] == "Иван Петров <ivan.petrov@mail.example>"
    assert back["Reply-To"] == "Иван Петров <ivan.petrov@mail.example>"
    assert back["Subject"] == "Обращение в защиту политзаключённого"
    assert back["Message-ID"] == "<0f3a9c.letter@platform.example>"
    assert back["X-Letter-Reference"] == "outbox-42"


def test_wire_form_is_ascii_with_rfc2047_words_and_crlf() -> None:
    data = to_mime(letter()).as_bytes()
    data.decode("ascii")  # quoted-printable bodies and encoded-words only
    head = data.split(b"\r\n\r\n", 1)[0]
    assert b"=?utf-8?" in head
    assert b"<letters@platform.example>" in head
    assert all(len(line) <= 78 for line in head.split(b"\r\n"))
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_date_is_rfc5322_in_utc() -> None:
    back = parsed(to_mime(letter()).as_bytes())
    assert back["Date"] == "Tue, 01 Dec 2026 07:00:00 +0000"
    moscow = datetime(2026, 12, 1, 10, 0, tzinfo=timezone(timedelta(hours=3)))
    assert parsed(to_mime(letter(date=moscow)).as_bytes())["Date"].endswith("+0300")


def test_text_first_then_html_alternative_in_utf8() -> None:
    back = parsed(to_mime(letter()).as_bytes())
    assert back.get_content_type() == "multipart/alternative"
    text, html = back.iter_parts()
    assert text.get_content_type() == "text/plain"
    assert text.get_content_charset() == "utf-8"
    assert text["Content-Transfer-Encoding"] == "quoted-printable"
    assert "прошу освободить заключённого" in text.get_content()  # type: ignore[attr-defined]
    assert html.get_content_type() == "text/html"
    assert "<p>Уважаемый посол,</p>" in html.get_content()  # type: ignore[attr-defined]


def test_text_only_letter_is_a_single_part() -> None:
    back = parsed(to_mime(letter(html=None, cc=(), reply_to=None)).as_bytes())
    assert back.get_content_type() == "text/plain"
    assert back["Cc"] is None and back["Reply-To"] is None
    assert "Иван Петров" in back.get_content()


def test_idn_domain_travels_as_punycode() -> None:
    email = letter(to=(Address("info@посольство.рф", "Посольство"),), cc=())
    back = parsed(to_mime(email).as_bytes())
    a_label = "посольство.рф".encode("idna").decode()  # the stdlib's IDNA 2003 as the oracle
    assert a_label.startswith("xn--")
    assert back["To"].addresses[0].domain == a_label
    assert envelope_recipients(email) == [f"info@{a_label}"]


def test_envelope_lists_to_then_cc() -> None:
    assert envelope_recipients(letter()) == [EMBASSY.email, PERSON.email]


@pytest.mark.parametrize(
    "change",
    [
        {"subject": "Hello\r\nBcc: victim@example.org"},
        {"reply_to": Address("ivan@mail.example", "Ivan\nBcc: victim@example.org")},
        {"headers": (("X-Note", "a\r\nBcc: victim@example.org"),)},
    ],
)
def test_header_injection_is_refused(change: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        to_mime(letter(**change)).as_bytes()


def test_extra_header_cannot_replace_an_own_header() -> None:
    with pytest.raises(ValueError, match="set from the message fields"):
        to_mime(letter(headers=(("From", "someone@else.example"),)))


def test_address_without_domain_is_refused() -> None:
    with pytest.raises(ValueError):
        to_mime(letter(to=(Address("nobody"),)))


def test_header_classes_are_made_once_and_the_bytes_are_the_stdlibs() -> None:
    """The stdlib registry makes a new class for every header; ours reuses one per name,
    and the message it writes is the one the stdlib's own policy writes."""
    first, second = to_mime(letter()), to_mime(letter(cc=()))
    assert type(first["To"]) is type(second["To"])
    assert type(first["Content-Type"]) is type(second["Content-Type"])
    stdlib = first.as_bytes(policy=policy.SMTP)
    assert first.as_bytes() == stdlib
    reparsed = message_from_bytes(stdlib, policy=policy.SMTP)
    assert reparsed.as_bytes() == stdlib
