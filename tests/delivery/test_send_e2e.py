"""The whole flow through the real SMTP adapter to an aiosmtpd relay on loopback (and a
retry through the Postmark adapter to its local server), with the worker running inside the
app as `serve` runs it."""

import asyncio
import re
from collections.abc import AsyncIterator, Iterator
from email.message import EmailMessage
from email.utils import parseaddr

import httpx
import pytest
from pydantic import SecretStr

from app.main import create_app
from app.services import Services
from app.settings import Settings
from tests.fakes.provider_servers import PostmarkServer
from tests.fakes.smtp_relay import RelayHandler, running_relay
from tests.pdf_text import pdf_text
from tests.send_fixtures import BERN, PERSON, send_body

TOKEN = re.compile(r"/v1/letters/confirm\?token=([A-Za-z0-9_-]+)")


@pytest.fixture
def relay() -> Iterator[tuple[RelayHandler, int]]:
    handler = RelayHandler()
    with running_relay(handler) as port:
        yield handler, port


@pytest.fixture
async def client(
    services: Services, send_settings: Settings, relay: tuple[RelayHandler, int]
) -> AsyncIterator[httpx.AsyncClient]:
    settings = send_settings.model_copy(
        update={
            "email_provider": "smtp",
            "smtp_host": "127.0.0.1",
            "smtp_port": relay[1],
            "worker_in_process": True,
            "worker_poll_seconds": 0.05,
        }
    )
    app = create_app(settings, services=services)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c


def text_of(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())  # type: ignore[attr-defined]


async def test_post_confirm_and_the_letter_reaches_the_relay(
    client: httpx.AsyncClient, relay: tuple[RelayHandler, int]
) -> None:
    handler = relay[0]
    body = send_body(cc_sender=True, language="de", sender={"name": "Jürgen Groß"})
    created = await client.post("/v1/letters", json=body)
    assert created.status_code == 202, created.text

    (confirmation,) = await handler.arrived(1)
    assert confirmation.rcpt_tos == (PERSON,)
    mail = confirmation.parsed()
    assert mail.get_content_type() == "multipart/alternative"
    assert "Bitte bestätigen" in str(mail["Subject"])
    found = TOKEN.search(text_of(mail))
    assert found is not None

    page = await client.get("/v1/letters/confirm", params={"token": found.group(1)})
    assert page.status_code == 200

    delivered = (await handler.arrived(2))[1]
    assert set(delivered.rcpt_tos) == {BERN, PERSON}
    assert delivered.mail_from == "letters@platform.example"
    letter = delivered.parsed()
    assert parseaddr(str(letter["From"])) == (
        "Jürgen Groß via Embassy Letters",
        "letters@platform.example",
    )
    assert parseaddr(str(letter["Reply-To"])) == ("Jürgen Groß", PERSON)
    assert parseaddr(str(letter["To"]))[1] == BERN
    assert parseaddr(str(letter["Cc"]))[1] == PERSON
    assert str(letter["Message-ID"]).endswith("@platform.example>")
    assert letter["Date"] is not None
    assert "Jürgen Groß" in text_of(letter)

    status_url = created.json()["status_url"].removeprefix("https://letters.example")
    for _ in range(200):  # the worker records "sent" right after the relay accepted
        status = (await client.get(status_url)).json()
        if status["status"] == "sent":
            break
        await asyncio.sleep(0.05)
    assert status["status"] == "sent"


async def test_a_letter_signed_with_initials_names_no_one_in_its_headers(
    client: httpx.AsyncClient, relay: tuple[RelayHandler, int]
) -> None:
    handler = relay[0]
    body = send_body(signature="initials", sender={"name": "Jürgen Groß"})
    assert (await client.post("/v1/letters", json=body)).status_code == 202
    (confirmation,) = await handler.arrived(1)
    found = TOKEN.search(text_of(confirmation.parsed()))
    assert found is not None
    await client.get("/v1/letters/confirm", params={"token": found.group(1)})
    letter = (await handler.arrived(2))[1].parsed()
    assert parseaddr(str(letter["From"]))[0] == "J. G. via Embassy Letters"
    assert parseaddr(str(letter["Reply-To"])) == ("J. G.", PERSON)
    assert "Groß" not in letter.as_string()


PDF_LINK = re.compile(
    r"https://letters\.example(/v1/letters/[A-Za-z0-9_-]+/pdf\?token=[A-Za-z0-9_-]+)"
)


def html_of(message: EmailMessage) -> str:
    part = message.get_body(("html",))
    assert part is not None
    return str(part.get_content())  # type: ignore[attr-defined]


async def test_a_refused_letter_brings_a_notice_in_its_language_with_a_link_to_its_pdf(
    client: httpx.AsyncClient, relay: tuple[RelayHandler, int]
) -> None:
    handler = relay[0]
    handler.rcpt_replies[BERN] = f"550 5.1.1 <{BERN}>: Recipient address rejected"
    body = send_body(language="de", sender={"name": "Jürgen Groß"})
    created = await client.post("/v1/letters", json=body)
    assert created.status_code == 202, created.text
    (confirmation,) = await handler.arrived(1)
    found = TOKEN.search(text_of(confirmation.parsed()))
    assert found is not None
    await client.get("/v1/letters/confirm", params={"token": found.group(1)})

    notice = (await handler.arrived(2))[1]  # the letter itself was refused at RCPT
    assert notice.rcpt_tos == (PERSON,)
    mail = notice.parsed()
    assert "ist nicht angekommen" in str(mail["Subject"])  # the letter's language
    text = text_of(mail)
    assert "Ein Brief zum Ausdrucken und Versenden:" in text
    link = PDF_LINK.search(text)
    assert link is not None, text
    assert link.group(1).startswith(f"/v1/letters/{created.json()['id']}/pdf?token=")
    assert f'href="https://letters.example{link.group(1)}"' in html_of(mail).replace("&amp;", "&")

    pdf = await client.get(link.group(1))
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert "Jürgen Groß" in pdf_text(pdf.content)  # the letter as it was written


async def test_served_the_worker_asks_postmark_before_sending_again(
    services: Services, send_settings: Settings
) -> None:
    """As `serve` runs it (the provider wrapped for its metrics): Postmark takes the letter
    but answers after the worker stopped waiting; the retry finds it and sends nothing."""
    with PostmarkServer(delay=1.0) as fake:
        settings = send_settings.model_copy(update={
            "email_provider": "postmark", "postmark_base_url": fake.url,
            "postmark_server_token": SecretStr(fake.token), "provider_timeout": 0.3,
            "require_confirmation": False, "worker_in_process": True,
            "worker_poll_seconds": 0.05,
        })
        app = create_app(settings, services=services)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                answer = await client.post("/v1/letters", json=send_body())
                assert answer.status_code == 202
                status_url = answer.json()["status_url"].replace(settings.public_url, "")
                for _ in range(400):  # a deadline, not a timing assertion
                    if fake.messages:
                        break
                    await asyncio.sleep(0.02)
                fake.behaviour.delay = 0.0  # a resend now would go through at once
                for _ in range(400):
                    status = (await client.get(status_url)).json()["status"]
                    if status == "sent":
                        break
                    await asyncio.sleep(0.02)
        assert status == "sent"
        assert len(fake.accepted) == 1 and len(fake.searches) == 1
