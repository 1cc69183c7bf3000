"""The widget and a dated address: the warning is shown with the other ways in, and "send it
for me" only where the platform would send (tests/conftest.py: DATED_OVERRIDES)."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from app.main import create_app
from app.services import Services
from app.settings import Settings

from .conftest import LiveServer, axe_violations, new_context, screenshot, serve
from .test_embed_without_javascript import fill_and_send
from .test_widget import CAMPAIGN, decode_mailto, open_widget, write_letter

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest.fixture(scope="module")
def dated_server(
    dated_services: Services, live_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    folder: Path = tmp_path_factory.mktemp("dated-live")
    settings = live_settings.model_copy(update={
        "database_url": f"sqlite+aiosqlite:///{folder / 'letters.db'}",
        "directory_overrides": dated_services.settings.directory_overrides,
    })
    live = serve(create_app(settings, services=dated_services))
    yield live
    live.stop()


async def test_a_dated_address_off_the_ministry_domain_is_shown_but_not_sent_for_you(
    page: Page, dated_server: LiveServer
) -> None:
    await open_widget(page, f"{dated_server.url}/embed/{CAMPAIGN}")
    await write_letter(page, "Jane Doe", "Copenhagen")
    await expect(page.locator("#w-embassy")).to_have_attribute(
        "data-embassy-id", "dk-copenhagen-embassy")
    notice = page.locator("#w-dated")
    await expect(notice).to_contain_text("embrus@mail.dk")
    await expect(notice).to_contain_text("2015")
    await expect(notice).to_contain_text("We do not send to an address this old ourselves")
    mailto = decode_mailto(await page.locator("[data-link=mailto]").get_attribute("href") or "")
    assert mailto["to"] == "embrus@mail.dk"  # the person may still try it themselves
    await expect(page.locator("[data-way=pdf]")).to_be_visible()
    await expect(page.locator("[data-way=website]")).to_be_visible()
    await expect(page.locator("#w-send-form")).to_have_count(0)
    assert await axe_violations(page) == []
    await screenshot(page, "widget-copenhagen-dated")


async def test_a_dated_address_on_the_ministry_domain_can_still_be_sent_for_you(
    page: Page, dated_server: LiveServer
) -> None:
    await open_widget(page, f"{dated_server.url}/embed/{CAMPAIGN}")
    await write_letter(page, "Jane Doe", "Bujumbura")
    await expect(page.locator("#w-dated")).to_contain_text("ambrusburundi@mid.ru")
    await expect(page.locator("#w-dated")).not_to_contain_text("We do not send")
    await expect(page.locator("#w-send-form")).to_be_visible()


async def test_a_recent_address_shows_no_dated_notice(
    page: Page, dated_server: LiveServer
) -> None:
    await open_widget(page, f"{dated_server.url}/embed/{CAMPAIGN}")
    await write_letter(page, "Jane Doe", "Basel")
    await expect(page.locator("#w-send-form")).to_be_visible()
    await expect(page.locator("#w-dated")).to_have_count(0)


async def test_the_page_without_javascript_says_the_address_is_dated(
    browser: Browser, dated_server: LiveServer
) -> None:
    context = await new_context(browser, java_script_enabled=False)
    page = await context.new_page()
    await page.goto(f"{dated_server.url}/embed/{CAMPAIGN}")
    await fill_and_send(page, "Jane Doe", "Copenhagen")
    await expect(page.locator("#r-dated")).to_contain_text("embrus@mail.dk")
    await expect(page.locator("#r-dated")).to_contain_text("2015")
    await context.close()
