"""The real app under uvicorn on a loopback port, driven by Debian's chromium.

One server and one browser per session keep the suite fast; every test gets its own
browser context (no shared cookies, storage or permissions). Playwright's async API, on
the session's event loop: its sync API would hold a running loop that the rest of the
(async) suite then could not start.
"""

import functools
import http.server
import re
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import uvicorn
from fastapi import FastAPI
from playwright.async_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    async_playwright,
    expect,
)

from app.main import create_app
from app.services import Services
from app.settings import Settings

CHROMIUM = Path("/usr/bin/chromium")
# An assertion waits up to this long for the page, as every action does (below): at the
# default 5 s, a widget answer on a 2-core machine loaded by the rest of the suite came late.
WAIT_MS = 10_000
expect.set_options(timeout=WAIT_MS)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HERE = Path(__file__).resolve().parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = HERE.parents[1] / "test-artifacts"
OUTSIDE = re.compile(r"^(?!https?://(127\.0\.0\.1|\[::1\])[:/])")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class LiveServer:
    url: str
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def serve(app: FastAPI, port: int | None = None) -> LiveServer:
    """`app` on a loopback port (a free one unless given), in a thread, until `stop()`."""
    port = port or free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the app did not start under uvicorn")
        time.sleep(0.02)
    return LiveServer(f"http://127.0.0.1:{port}", server, thread)


@pytest.fixture(scope="session")
def partner_origin() -> str:
    """Where a partner's own page is served from: another origin than the service's."""
    return f"http://127.0.0.1:{free_port()}"


class _QuietFiles(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass  # the tests' output is for the tests


@pytest.fixture(scope="session")
def partner_site(
    partner_origin: str, live_server: "LiveServer", tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A partner's page on its own origin, embedding the widget from the live service."""
    folder = tmp_path_factory.mktemp("partner")
    (folder / "index.html").write_text(
        PARTNER_PAGE.format(service=live_server.url), encoding="utf-8"
    )
    handler = functools.partial(_QuietFiles, directory=str(folder))
    port = int(partner_origin.rsplit(":", 1)[1])
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"{partner_origin}/index.html"
    server.shutdown()
    server.server_close()


PARTNER_PAGE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Une ONG</title></head>
<body><main><h1>Écrivez à l'ambassade</h1>
<embassy-letter campaign="navalny-appeal" style="--el-accent: #8a1538"></embassy-letter>
</main><script src="{service}/widget.js" defer></script></body></html>
"""


@pytest.fixture(scope="session")
def live_settings(
    no_email_services: Services, tmp_path_factory: pytest.TempPathFactory, partner_origin: str
) -> Settings:
    """The browser session's own database; limits high enough for a whole suite from one IP.
    The Hague and Rabat have no address here (tests/conftest.py: NO_EMAIL_OVERRIDES)."""
    folder = tmp_path_factory.mktemp("live")
    return no_email_services.settings.model_copy(
        update={
            "database_url": f"sqlite+aiosqlite:///{folder / 'letters.db'}",
            "worker_in_process": False,
            "console_outbox": folder / "outbox",
            "cors_origins": (partner_origin,),
            "rate_limit_compose": "100000/minute",
            "rate_limit_send": "100000/minute",
        }
    )


@pytest.fixture(scope="session")
def live_server(no_email_services: Services, live_settings: Settings) -> Iterator[LiveServer]:
    live = serve(create_app(live_settings, services=no_email_services))
    yield live
    live.stop()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def playwright() -> AsyncIterator[Playwright]:
    async with async_playwright() as driver:
        yield driver


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser(playwright: Playwright) -> AsyncIterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is needed: apt-get install -y chromium (.ci/run does it)")
    browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    await browser.close()


async def new_context(browser: Browser, **options: Any) -> BrowserContext:
    context = await browser.new_context(
        locale=options.pop("locale", "en-GB"),
        viewport=options.pop("viewport", {"width": 900, "height": 1400}),
        **options,
    )
    context.set_default_timeout(WAIT_MS)
    # Only loopback is reachable from tests: a webmail link or an embassy's website opened
    # by the widget is answered here, locally, so the test still sees the URL it opened.
    await context.route(OUTSIDE, lambda route: route.fulfill(body="outside: not fetched"))
    return context


@pytest_asyncio.fixture(loop_scope="session")
async def page(browser: Browser) -> AsyncIterator[Page]:
    context = await new_context(browser, accept_downloads=True)
    page = await context.new_page()
    yield page
    await context.close()


async def screenshot(page: Page, name: str) -> Path:
    """A full-page picture in test-artifacts/ (gitignored), for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path


async def axe_violations(
    page: Page, impacts: tuple[str, ...] = ("serious", "critical")
) -> list[Any]:
    """axe-core run in the page (shadow roots included); the violations of those impacts."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: cd tests/web && npm ci (.ci/run does it)")
    await page.add_script_tag(path=str(AXE))
    result: dict[str, Any] = await page.evaluate("() => axe.run(document)")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
        if v["impact"] in impacts
    ]
