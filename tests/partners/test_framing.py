"""Only the partners' sites (and the service itself) may frame the embed page."""

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from app.partners.framing import EmbedFraming, with_frame_ancestors

from .apps import Apps

ORIGINS = ["https://a.example", "https://b.example"]


def test_a_policy_without_frame_ancestors_gains_one() -> None:
    assert with_frame_ancestors("default-src 'self'; img-src data:", ORIGINS) == (
        "default-src 'self'; img-src data:; frame-ancestors 'self' https://a.example "
        "https://b.example"
    )


def test_the_pages_own_frame_ancestors_is_replaced() -> None:
    policy = with_frame_ancestors("frame-ancestors *; script-src 'self';", ORIGINS[:1])
    assert policy == "script-src 'self'; frame-ancestors 'self' https://a.example"


def test_no_policy_and_no_partners_means_only_the_service_itself() -> None:
    assert with_frame_ancestors(None, []) == "frame-ancestors 'self'"


async def _page(_: Request) -> PlainTextResponse:
    return PlainTextResponse(
        "page", headers={"Content-Security-Policy": "default-src 'self'", "X-Frame-Options": "DENY"}
    )


async def test_the_middleware_frames_embed_pages_and_leaves_the_rest_alone() -> None:
    inner = Starlette(routes=[Route("/embed/{id}", _page), Route("/embedded", _page)])
    app = EmbedFraming(inner, ancestors=lambda: ORIGINS)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        embed, other = await c.get("/embed/navalny-appeal"), await c.get("/embedded")
    assert embed.headers["content-security-policy"] == (
        "default-src 'self'; frame-ancestors 'self' https://a.example https://b.example"
    )
    assert "x-frame-options" not in embed.headers
    assert other.headers["content-security-policy"] == "default-src 'self'"
    assert other.headers["x-frame-options"] == "DENY"


async def test_the_service_names_its_cors_origins_as_frame_ancestors(apps: Apps) -> None:
    async with apps.serve(cors_origins="https://ngo.example") as c:
        answer = await c.get("/embed/navalny-appeal")
        elsewhere = await c.get("/v1/campaigns")
    assert "frame-ancestors 'self' https://ngo.example" in answer.headers["content-security-policy"]
    assert "content-security-policy" not in elsewhere.headers
