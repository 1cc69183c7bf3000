"""The <embassy-letter> widget in a real browser, against the real app."""

import io
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from playwright.async_api import Browser, Page, expect
from pypdf import PdfReader

from .conftest import LiveServer, axe_violations, new_context, screenshot

pytestmark = pytest.mark.asyncio(loop_scope="session")
CAMPAIGN = "navalny-appeal"


def decode_mailto(url: str) -> dict[str, str]:
    """RFC 6068, strictly: %XX only (no "+" for space), CRLF as the line break."""
    parts = urlsplit(url)
    assert parts.scheme == "mailto"
    fields = dict(pair.split("=", 1) for pair in parts.query.split("&"))
    decoded = {key: unquote(value, errors="strict") for key, value in fields.items()}
    return {"to": unquote(parts.path), **decoded}


async def open_widget(page: Page, url: str) -> None:
    await page.goto(url)
    await expect(page.locator("embassy-letter[data-ready]")).to_be_attached()


async def write_letter(page: Page, name: str, place: str) -> None:
    await page.get_by_label("Your name").fill(name)
    await page.get_by_label("Your town or city").fill(place)
    await page.get_by_role("button", name="Write my letter").click()
    await expect(page.locator("#w-result")).to_be_visible()


async def shown_letter(page: Page) -> tuple[str, str]:
    return (
        await page.locator("#w-subject").input_value(),
        await page.locator("#w-body").input_value(),
    )


async def test_basel_writes_to_bern_and_the_mailto_link_carries_the_shown_letter(
    page: Page, live_server: LiveServer
) -> None:
    await open_widget(page, f"{live_server.url}/embed/{CAMPAIGN}")
    await write_letter(page, "Jane Doe", "Basel")
    await expect(page.locator("#w-embassy")).to_have_attribute("data-embassy-id", "ch-bern-embassy")
    await expect(page.locator("#w-status")).to_contain_text("Bern")
    mailto = page.locator("[data-link=mailto]")
    decoded = decode_mailto(await mailto.get_attribute("href") or "")
    subject, body = await shown_letter(page)
    assert decoded["to"] == "rusbotschaft@bluewin.ch"
    assert decoded["subject"] == subject
    assert decoded["body"] == body.replace("\n", "\r\n")
    assert "Jane Doe" in body
    await screenshot(page, "widget-basel")


async def test_an_edit_of_the_letter_is_what_the_link_carries(
    page: Page, live_server: LiveServer
) -> None:
    await open_widget(page, f"{live_server.url}/embed/{CAMPAIGN}")
    await write_letter(page, "Jane Doe", "Basel")
    await page.locator("#w-body").fill(
        "Excellency,\n\nPlease let him see his own doctors.\n\nJane Doe"
    )
    await page.locator("#w-subject").fill("My own subject")
    mailto = page.locator("[data-link=mailto]")
    await expect(mailto).to_have_attribute("href", re.compile("My%20own%20subject"))
    decoded = decode_mailto(await mailto.get_attribute("href") or "")
    assert decoded["subject"] == "My own subject"
    assert (
        decoded["body"] == "Excellency,\r\n\r\nPlease let him see his own doctors.\r\n\r\nJane Doe"
    )
    gmail = await page.locator("[data-link=gmail]").get_attribute("href") or ""
    assert "Please%20let%20him%20see%20his%20own%20doctors." in gmail
    await expect(page.locator("#w-sees-signature")).to_have_text("Jane Doe")


async def test_the_widget_has_no_serious_accessibility_violations(
    page: Page, live_server: LiveServer
) -> None:
    await open_widget(page, f"{live_server.url}/embed/{CAMPAIGN}")
    await write_letter(page, "Jane Doe", "Basel")
    assert await axe_violations(page) == []


async def test_lyon_has_no_email_on_file_so_the_printable_letter_downloads(
    page: Page, live_server: LiveServer
) -> None:
    await open_widget(page, f"{live_server.url}/embed/{CAMPAIGN}")
    await write_letter(page, "Jane Doe", "Lyon")
    await expect(page.locator("#w-embassy")).to_have_attribute(
        "data-embassy-id", "fr-paris-embassy"
    )
    await expect(page.locator("#w-no-email")).to_be_visible()
    await expect(page.locator("[data-link]")).to_have_count(0)  # no button that cannot work
    await expect(page.locator("#w-send-form")).to_have_count(0)
    await expect(page.locator("#w-address")).to_have_text(
        "40-50 boulevard Lannes, 75116 Paris, France"
    )
    await screenshot(page, "widget-lyon-no-email")
    async with page.expect_download() as download_info:
        await page.locator("[data-way=pdf]").click()
    download = await download_info.value
    assert download.suggested_filename == "letter-fr-paris-embassy.pdf"
    pdf = Path(await download.path()).read_bytes()
    assert pdf.startswith(b"%PDF-")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "boulevard Lannes" in text
    assert "Jane Doe" in text
    await expect(page.locator("#w-status")).to_contain_text("downloaded")


async def test_the_embassy_website_opens_with_the_letter_copied(
    browser: Browser, live_server: LiveServer
) -> None:
    context = await new_context(browser, permissions=["clipboard-read", "clipboard-write"])
    page = await context.new_page()
    await open_widget(page, f"{live_server.url}/embed/{CAMPAIGN}")
    await write_letter(page, "Jane Doe", "Lyon")
    subject, body = await shown_letter(page)
    async with context.expect_page() as popup_info:
        await page.locator("[data-way=website]").click()
    popup = await popup_info.value
    await popup.wait_for_url("https://france.mid.ru/**", wait_until="commit")
    assert await page.evaluate("navigator.clipboard.readText()") == f"{subject}\n\n{body}"
    await expect(page.locator("#w-status")).to_contain_text("copied")
    await context.close()


async def test_no_email_offers_a_sister_mission_that_has_one(
    page: Page, live_server: LiveServer
) -> None:
    await open_widget(page, f"{live_server.url}/embed/{CAMPAIGN}")
    await write_letter(page, "Jane Doe", "Astana")
    await expect(page.locator("#w-embassy")).to_have_attribute(
        "data-embassy-id", "kz-astana-embassy"
    )
    await page.locator("[data-way=mission][data-embassy-id=kz-almaty-consulate_general]").click()
    await expect(page.locator("#w-embassy")).to_have_attribute(
        "data-embassy-id", "kz-almaty-consulate_general"
    )
    mailto = decode_mailto(await page.locator("[data-link=mailto]").get_attribute("href") or "")
    assert mailto["to"] == "almaty@mid.ru"


async def test_a_letter_too_long_for_a_link_is_copied_and_the_short_link_opens(
    browser: Browser, live_server: LiveServer
) -> None:
    context = await new_context(browser, permissions=["clipboard-read", "clipboard-write"])
    page = await context.new_page()
    await open_widget(page, f"{live_server.url}/embed/{CAMPAIGN}")
    await write_letter(page, "Jane Doe", "Basel")
    outlook = page.locator("[data-link=outlook]")
    await expect(outlook).to_contain_text("*")  # the compose answer says Outlook on the web fails
    await expect(page.locator("#w-too-long")).to_be_visible()
    subject, body = await shown_letter(page)
    async with context.expect_page() as popup_info:
        await outlook.click()
    popup = await popup_info.value
    await popup.wait_for_url("https://outlook.live.com/**", wait_until="commit")
    opened = urlsplit(popup.url)
    assert "body=" not in opened.query and "subject=" in opened.query
    assert await page.evaluate("navigator.clipboard.readText()") == f"{subject}\n\n{body}"
    await expect(page.locator("#w-status")).to_contain_text("Paste it")
    await context.close()


async def test_the_initials_choice_signs_the_letter_and_the_link_follows(
    page: Page, live_server: LiveServer
) -> None:
    await open_widget(page, f"{live_server.url}/embed/{CAMPAIGN}")
    await write_letter(page, "Jane Doe", "Basel")
    await expect(page.locator("#w-sees-signature")).to_have_text("Jane Doe\nBasel")
    await page.get_by_label("Initials only").check()
    await expect(page.locator("#w-sees-signature")).to_have_text("J. D.\nBasel")
    _, body = await shown_letter(page)
    assert body.endswith("\nJ. D.\nBasel") and "Jane Doe" not in body
    mailto = page.locator("[data-link=mailto]")
    await expect(mailto).to_have_attribute("href", re.compile(r"J.%20D.%0D%0ABasel$"))


async def test_location_is_asked_only_on_the_click(
    browser: Browser, live_server: LiveServer
) -> None:
    context = await new_context(
        browser, permissions=["geolocation"], geolocation={"latitude": 47.5596, "longitude": 7.5886}
    )
    await context.add_init_script(
        "window.__asked = 0; const ask = navigator.geolocation.getCurrentPosition"
        ".bind(navigator.geolocation); navigator.geolocation.getCurrentPosition ="
        " (...args) => { window.__asked += 1; return ask(...args); };"
    )
    page = await context.new_page()
    await open_widget(page, f"{live_server.url}/embed/{CAMPAIGN}")
    await expect(page.get_by_role("button", name="Use my location")).to_be_visible()
    assert await page.evaluate("window.__asked") == 0
    await page.get_by_role("button", name="Use my location").click()
    await expect(page.locator("#w-place-hint")).to_contain_text("device's location")
    assert await page.evaluate("window.__asked") == 1
    await page.get_by_label("Your name").fill("Jane Doe")
    await page.get_by_role("button", name="Write my letter").click()
    await expect(page.locator("#w-embassy")).to_have_attribute("data-embassy-id", "ch-bern-embassy")
    await context.close()


async def test_keyboard_only_in_a_sensible_order(page: Page, live_server: LiveServer) -> None:
    await open_widget(page, f"{live_server.url}/embed/{CAMPAIGN}")
    await expect(page.locator("#w-name")).to_be_visible()
    focused = "() => document.querySelector('embassy-letter').shadowRoot.activeElement?.id"
    order = []
    for _ in range(5):
        await page.keyboard.press("Tab")
        order.append(await page.evaluate(focused))
    assert order == ["w-name", "w-place", "w-locate", "w-note", "w-write"]
    await page.locator("#w-name").focus()
    await page.keyboard.type("Jane Doe")
    await page.keyboard.press("Tab")
    await page.keyboard.type("Basel")
    await page.keyboard.press("Enter")
    await expect(page.locator("#w-result")).to_be_visible()
    assert await page.evaluate(focused) == "w-goes-to"  # the result is where the focus goes


async def test_an_unknown_place_is_said_at_the_field(page: Page, live_server: LiveServer) -> None:
    await open_widget(page, f"{live_server.url}/embed/{CAMPAIGN}")
    await page.get_by_label("Your name").fill("Jane Doe")
    await page.get_by_label("Your town or city").fill("Xqzzyville")
    await page.get_by_role("button", name="Write my letter").click()
    await expect(page.locator("#w-place")).to_have_attribute("aria-invalid", "true")
    await expect(page.locator("#w-status")).to_contain_text("Xqzzyville")
    await expect(page.locator("#w-result")).to_be_hidden()


async def test_a_name_is_asked_for_before_anything_is_composed(
    page: Page, live_server: LiveServer
) -> None:
    await open_widget(page, f"{live_server.url}/embed/{CAMPAIGN}")
    await page.get_by_role("button", name="Write my letter").click()
    await expect(page.locator("#w-name")).to_have_attribute("aria-invalid", "true")
    await expect(page.locator("#w-status")).to_have_text("Please type your name.")


async def test_the_browser_language_is_followed(browser: Browser, live_server: LiveServer) -> None:
    context = await new_context(browser, locale="ru-RU")
    page = await context.new_page()
    await open_widget(page, f"{live_server.url}/embed/{CAMPAIGN}")
    await page.get_by_label("Ваше имя").fill("Анна Петрова")
    await page.get_by_label("Ваш город").fill("Мюнхен")
    await page.get_by_role("button", name="Написать письмо").click()
    await expect(page.locator("#w-embassy")).to_have_attribute(
        "data-embassy-id", "de-berlin-embassy"
    )
    _, body = await shown_letter(page)
    assert "Анна Петрова" in body
    await screenshot(page, "widget-munich-ru")
    await context.close()


async def test_the_lang_attribute_wins_and_the_counter_waits_for_stats(
    page: Page, live_server: LiveServer
) -> None:
    await open_widget(page, f"{live_server.url}/embed/{CAMPAIGN}?lang=de")
    await expect(page.get_by_label("Ihr Name")).to_be_visible()
    # This service has /stats: the counter shows once they answered.
    await expect(page.locator("#w-counter")).to_be_visible()


async def test_the_demo_page_shows_the_snippet_and_a_working_widget(
    page: Page, live_server: LiveServer
) -> None:
    await page.goto(f"{live_server.url}/")
    await expect(page.locator("embassy-letter[data-ready]")).to_be_attached()
    snippet = await page.locator(f"#s-{CAMPAIGN}").text_content() or ""
    assert f'<embassy-letter campaign="{CAMPAIGN}"></embassy-letter>' in snippet
    await write_letter(page, "Jane Doe", "Basel")
    await expect(page.locator("#w-embassy")).to_have_attribute("data-embassy-id", "ch-bern-embassy")
    assert await axe_violations(page) == []
    await screenshot(page, "demo-page")


async def test_on_a_partner_page_it_talks_to_its_own_origin_and_takes_the_theme(
    page: Page, partner_site: str, live_server: LiveServer
) -> None:
    # The script's origin is the API (no `api` attribute); CORS lets the partner's page in.
    await open_widget(page, partner_site)
    await expect(page.get_by_label("Votre nom")).to_be_visible()  # the page's language
    await expect(page.get_by_role("heading", level=2)).to_contain_text("Navalny")
    assert await page.locator("embassy-letter h2").text_content() != "Appeal for Aleksei Navalny"
    await page.get_by_label("Votre nom").fill("Jeanne Dupont")
    await page.get_by_label("Votre ville").fill("Basel")
    await page.get_by_role("button", name="Rédiger ma lettre").click()
    await expect(page.locator("#w-embassy")).to_have_attribute("data-embassy-id", "ch-bern-embassy")
    accent = await page.locator("#w-write").evaluate("b => getComputedStyle(b).backgroundColor")
    assert accent == "rgb(138, 21, 56)"
    await screenshot(page, "widget-partner-page-fr")
