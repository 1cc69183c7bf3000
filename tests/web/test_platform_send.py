""" "Send it for me" in a real browser: the widget posts the letter, the confirmation e-mail
reaches an aiosmtpd relay on loopback through the real SMTP adapter, its link opened in the
browser sends the letter, and what arrives is what the widget showed."""

import asyncio
import re
from collections.abc import AsyncIterator, Iterator
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Browser, Page, expect

from app.main import create_app
from app.services import Services
from app.settings import Settings
from tests.fakes.smtp_relay import RelayHandler, running_relay

from .conftest import LiveServer, axe_violations, free_port, new_context, screenshot, serve
from .test_widget import CAMPAIGN, open_widget, shown_letter, write_letter

pytestmark = pytest.mark.asyncio(loop_scope="session")
PERSON = "jane@example.org"
BERN = "rusbotschaft@bluewin.ch"
CONFIRM_LINK = re.compile(r"https?://\S+/v1/letters/confirm\?token=[A-Za-z0-9_-]+")


@pytest.fixture
def relay() -> Iterator[tuple[RelayHandler, int]]:
    handler = RelayHandler()
    with running_relay(handler) as port:
        yield handler, port


@pytest.fixture
def sending_server(
    services: Services, live_settings: Settings, relay: tuple[RelayHandler, int], tmp_path: Path
) -> Iterator[LiveServer]:
    """The app as `serve` runs it (worker inside), sending through SMTP to the relay."""
    port = free_port()
    settings = live_settings.model_copy(
        update={
            "database_url": f"sqlite+aiosqlite:///{tmp_path}/letters.db",
            "public_url": f"http://127.0.0.1:{port}",
            "email_provider": "smtp",
            "smtp_host": "127.0.0.1",
            "smtp_port": relay[1],
            "from_email": "letters@platform.example",
            "worker_in_process": True,
            "worker_poll_seconds": 0.05,
        }
    )
    live = serve(create_app(settings, services=services), port)
    yield live
    live.stop()


@pytest_asyncio.fixture(loop_scope="session")
async def page(browser: Browser) -> AsyncIterator[Page]:
    context = await new_context(browser)
    page = await context.new_page()
    yield page
    await context.close()


def plain_text(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content()).replace("\r\n", "\n")  # type: ignore[attr-defined]


async def test_send_it_for_me_up_to_the_letter_at_the_relay(
    page: Page, sending_server: LiveServer, relay: tuple[RelayHandler, int]
) -> None:
    handler = relay[0]
    await open_widget(page, f"{sending_server.url}/embed/{CAMPAIGN}")
    await write_letter(page, "Jane Doe", "Basel")
    await page.locator("#w-subject").fill("Please let him see his doctors")
    form = page.locator("#w-send-form")
    await expect(form).to_be_visible()
    await page.get_by_label("Your e-mail address").fill(PERSON)
    # What the embassy will see, before anything is sent.
    await expect(page.locator("#w-from")).to_have_text(
        '"Jane Doe via Embassy Letters" <letters@platform.example>'
    )
    await expect(page.locator("#w-reply-to")).to_have_text(PERSON)
    assert await axe_violations(page) == []
    await page.get_by_role("button", name="Send it for me").click()
    await expect(page.locator("#w-status")).to_contain_text("Please tick the box")
    assert handler.messages == []  # no consent, nothing sent
    await page.get_by_label("I agree").check()
    await page.get_by_role("button", name="Send it for me").click()
    await expect(page.locator("#w-sent")).to_contain_text(f"we sent a link to {PERSON}")
    await screenshot(page, "widget-sent-check-inbox")
    subject, body = await shown_letter(page)

    (confirmation,) = await handler.arrived(1)
    assert confirmation.rcpt_tos == (PERSON,)
    link = CONFIRM_LINK.search(plain_text(confirmation.parsed()))
    assert link is not None and link.group(0).startswith(sending_server.url)
    await asyncio.sleep(0.5)
    assert len(handler.messages) == 1  # nothing reaches the embassy before the link is opened

    await page.goto(link.group(0))
    letter_mail = (await handler.arrived(2))[1].parsed()
    assert parseaddr(str(letter_mail["From"])) == (
        "Jane Doe via Embassy Letters",
        "letters@platform.example",
    )
    assert parseaddr(str(letter_mail["Reply-To"]))[1] == PERSON
    assert parseaddr(str(letter_mail["To"]))[1] == BERN
    assert str(letter_mail["Subject"]) == subject == "Please let him see his doctors"
    assert plain_text(letter_mail).strip() == body.strip()
