"""A partner's own origins: allowed by CORS and as frame ancestors, until it is revoked."""

import pytest

from .apps import Apps, add_partner, client, revoke_partner, running

PARTNER = "https://free-them.example"


@pytest.fixture
def keyed(apps: Apps, database_url: str) -> Apps:
    return Apps(apps.services, apps.settings(database_url=database_url))


async def test_a_partners_origin_is_allowed_and_may_frame_the_embed_page(keyed: Apps) -> None:
    new = await add_partner(keyed.base, origins=(PARTNER,))
    app = keyed.build(cors_origins="https://ops.example")
    async with running(app), client(app) as c:
        answer = await c.get("/v1/campaigns", headers={"Origin": PARTNER})
        preflight = await c.options(
            "/v1/letters/compose",
            headers={"Origin": PARTNER, "Access-Control-Request-Method": "POST"},
        )
        embed = await c.get("/embed/navalny-appeal")
        assert answer.headers["access-control-allow-origin"] == PARTNER
        assert preflight.status_code == 204
        assert preflight.headers["access-control-allow-origin"] == PARTNER
        ancestors = embed.headers["content-security-policy"]
        assert f"frame-ancestors 'self' {PARTNER} https://ops.example" in ancestors

        await revoke_partner(keyed.base, new.row.id)
        await app.state.partners.refresh()
        gone = await c.get("/v1/campaigns", headers={"Origin": PARTNER})
        embed = await c.get("/embed/navalny-appeal")
    assert "access-control-allow-origin" not in gone.headers
    assert PARTNER not in embed.headers["content-security-policy"]


async def test_a_partner_added_while_running_is_allowed_after_the_reload(keyed: Apps) -> None:
    app = keyed.build()
    async with running(app), client(app) as c:
        before = await c.get("/v1/campaigns", headers={"Origin": PARTNER})
        await add_partner(keyed.base, origins=(PARTNER,))
        await app.state.partners.refresh()
        after = await c.get("/v1/campaigns", headers={"Origin": PARTNER})
    assert "access-control-allow-origin" not in before.headers
    assert after.headers["access-control-allow-origin"] == PARTNER
