"""GET /v1/campaigns and /v1/campaigns/{id}; a closed campaign is 410 for composing."""

import shutil
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from app.campaigns.registry import CampaignRegistry
from app.main import create_app
from app.services import Services

SHIPPED = Path(__file__).resolve().parents[2] / "templates" / "letters" / "navalny-appeal"


@pytest.fixture
async def with_ended_campaign(
    services: Services, tmp_path: Path
) -> AsyncIterator[httpx.AsyncClient]:
    ended = tmp_path / "ended-appeal"
    shutil.copytree(SHIPPED, ended)
    toml = (ended / "campaign.toml").read_text(encoding="utf-8")
    toml = toml.replace(
        'id = "navalny-appeal"', 'id = "ended-appeal"\nends_at = 2022-01-01T00:00:00Z'
    )
    (ended / "campaign.toml").write_text(toml, encoding="utf-8")
    shutil.copytree(SHIPPED, tmp_path / "navalny-appeal")
    app = create_app(services=replace(services, campaigns=CampaignRegistry.load(tmp_path)))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c


async def test_lists_the_active_campaigns(client: httpx.AsyncClient) -> None:
    campaigns = (await client.get("/v1/campaigns")).json()
    appeal = next(c for c in campaigns if c["id"] == "navalny-appeal")
    assert appeal["status"] == "active"
    assert appeal["languages"] == ["de", "en", "es", "fr", "ru"]
    assert appeal["default_language"] == "en"
    for field in ("title", "summary", "starts_at", "ends_at"):
        assert field in appeal


async def test_titles_follow_accept_language(client: httpx.AsyncClient) -> None:
    campaigns = (await client.get("/v1/campaigns", headers={"Accept-Language": "ru"})).json()
    assert campaigns[0]["language"] == "ru"
    assert "Навальн" in campaigns[0]["title"]


async def test_one_campaign_with_its_fields_and_limits(client: httpx.AsyncClient) -> None:
    appeal = (await client.get("/v1/campaigns/navalny-appeal")).json()
    fields = {f["name"]: f for f in appeal["fields"]}
    assert fields["sender.name"] == {
        "name": "sender.name",
        "required": True,
        "max_length": 100,
        "options": None,
    }
    assert fields["personal_note"]["max_length"] == 1000
    assert min(appeal["variants"].values()) >= 5 * 3 * 3 * 3


async def test_a_campaign_says_whether_the_platform_sends_for_people(
    client: httpx.AsyncClient,
) -> None:
    # The shipped campaign.toml has no platform_send key: the default, true, is what shows.
    appeal = (await client.get("/v1/campaigns/navalny-appeal")).json()
    assert appeal["platform_send"] is True
    listed = (await client.get("/v1/campaigns")).json()
    assert all(c["platform_send"] is True for c in listed)


async def test_unknown_campaign_is_404(client: httpx.AsyncClient) -> None:
    answer = await client.get("/v1/campaigns/nope")
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"


async def test_an_ended_campaign_is_readable_but_not_listed_nor_composable(
    with_ended_campaign: httpx.AsyncClient,
) -> None:
    listed = [c["id"] for c in (await with_ended_campaign.get("/v1/campaigns")).json()]
    assert listed == ["navalny-appeal"]
    ended = await with_ended_campaign.get("/v1/campaigns/ended-appeal")
    assert ended.status_code == 200
    assert ended.json()["status"] == "closed"
    answer = await with_ended_campaign.post(
        "/v1/letters/compose",
        json={"campaign_id": "ended-appeal", "sender": {"name": "Jane", "country": "CH"}},
    )
    assert answer.status_code == 410
    assert answer.headers["content-type"] == "application/problem+json"
    # The embed page's form, posted by a person, is told so as a page.
    form = {"name": "Jane", "place": "Basel", "lang": "de"}
    page = await with_ended_campaign.post("/embed/ended-appeal", data=form)
    assert page.status_code == 410
    assert page.headers["content-type"].startswith("text/html")
    assert "Diese Kampagne ist beendet" in page.text
    # So is the embed page itself, opened by a browser.
    opened = await with_ended_campaign.get("/embed/ended-appeal", params={"lang": "de"})
    assert opened.status_code == 410
    assert opened.headers["content-type"].startswith("text/html")
    assert "Diese Kampagne ist beendet" in opened.text
