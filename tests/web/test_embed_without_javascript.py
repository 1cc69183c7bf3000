"""The embed page where scripts do not run: a plain form that composes on the server."""

import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Browser, Page, expect
from pypdf import PdfReader

from .conftest import LiveServer, axe_violations, new_context, screenshot
from .test_widget import CAMPAIGN, decode_mailto

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest_asyncio.fixture(loop_scope="session")
async def plain_page(browser: Browser) -> AsyncIterator[Page]:
    context = await new_context(browser, java_script_enabled=False, accept_downloads=True)
    page = await context.new_page()
    yield page
    await context.close()


async def fill_and_send(page: Page, name: str, place: str) -> None:
    await page.get_by_label("Your name").fill(name)
    await page.get_by_label("Your town or city").fill(place)
    await page.get_by_role("button", name="Write my letter").click()
    await expect(page.locator("#result")).to_be_visible()


async def test_the_form_composes_and_the_mailto_link_carries_the_letter(
    plain_page: Page, live_server: LiveServer
) -> None:
    page = plain_page
    await page.goto(f"{live_server.url}/embed/{CAMPAIGN}")
    await fill_and_send(page, "Jane Doe", "Basel")
    await expect(page.locator(".embassy")).to_contain_text("Swiss Confederation")
    decoded = decode_mailto(await page.locator("[data-link=mailto]").get_attribute("href") or "")
    body = await page.locator("#f-body").input_value()
    assert decoded["to"] == "rusbotschaft@bluewin.ch"
    assert decoded["subject"] == await page.locator("#f-subject").input_value()
    assert decoded["body"] == body.replace("\n", "\r\n")
    await expect(page.locator("[data-link=short]")).to_be_visible()  # too long for some clients
    await screenshot(page, "embed-nojs-basel")


async def test_an_edit_posted_again_is_what_the_links_carry(
    plain_page: Page, live_server: LiveServer
) -> None:
    page = plain_page
    await page.goto(f"{live_server.url}/embed/{CAMPAIGN}")
    await fill_and_send(page, "Jane Doe", "Basel")
    await page.locator("#f-body").fill("Excellency,\n\nRelease him.\n\nJane Doe")
    await page.get_by_role("button", name="Update the links").click()
    decoded = decode_mailto(await page.locator("[data-link=mailto]").get_attribute("href") or "")
    assert decoded["body"] == "Excellency,\r\n\r\nRelease him.\r\n\r\nJane Doe"
    assert await page.locator("#f-body").input_value() == "Excellency,\n\nRelease him.\n\nJane Doe"


async def test_initials_without_an_edit_render_the_letter_anew(
    plain_page: Page, live_server: LiveServer
) -> None:
    page = plain_page
    await page.goto(f"{live_server.url}/embed/{CAMPAIGN}")
    await fill_and_send(page, "Jane Doe", "Basel")
    await page.get_by_label("Initials only").check()
    await page.get_by_role("button", name="Update the links").click()
    assert (await page.locator("#f-body").input_value()).endswith("\nJ. D.\nBasel")


async def test_lyon_gets_the_printable_letter_as_a_download(
    plain_page: Page, live_server: LiveServer
) -> None:
    page = plain_page
    await page.goto(f"{live_server.url}/embed/{CAMPAIGN}")
    await fill_and_send(page, "Jane Doe", "Lyon")
    await expect(page.locator("[data-link]")).to_have_count(0)
    await expect(page.locator(".address")).to_have_text(
        "40-50 boulevard Lannes, 75116 Paris, France"
    )
    async with page.expect_download() as download_info:
        await page.locator("[data-way=pdf]").click()
    pdf = Path(await (await download_info.value).path()).read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert "boulevard Lannes" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    await screenshot(page, "embed-nojs-lyon")


async def test_a_missing_name_is_said_next_to_the_field(
    plain_page: Page, live_server: LiveServer
) -> None:
    page = plain_page
    await page.goto(f"{live_server.url}/embed/{CAMPAIGN}")
    await page.get_by_label("Your town or city").fill("Basel")
    await page.get_by_role("button", name="Write my letter").click()
    await expect(page.locator("#f-name")).to_have_attribute("aria-invalid", "true")
    await expect(page.locator("#e-name")).to_be_visible()
    assert await page.get_by_label("Your town or city").input_value() == "Basel"


async def test_the_plain_form_has_no_serious_accessibility_violations(
    browser: Browser, live_server: LiveServer
) -> None:
    # Scripts on (axe needs them) but the widget's script stopped: the page as without it.
    context = await new_context(browser)
    await context.route("**/widget.js", lambda route: route.abort())
    page = await context.new_page()
    await page.goto(f"{live_server.url}/embed/{CAMPAIGN}")
    await fill_and_send(page, "Jane Doe", "Lyon")
    assert await axe_violations(page) == []
    await context.close()
