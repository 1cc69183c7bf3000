"""X-API-Key over HTTP on both databases: a partner's key is attributed, a wrong one is 401."""

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from app.deps import PartnerIdDep
from app.partners import store
from app.partners.keys import issue
from app.stats.counters import flush

from .apps import COMPOSE, Apps, add_partner, client, revoke_partner, running

PROBLEM = "application/problem+json"
COMPOSE_PATH = "/v1/letters/compose"


@pytest.fixture
def keyed(apps: Apps, database_url: str) -> Apps:
    """Apps on SQLite and on PostgreSQL, with a key secret of their own."""
    base = apps.settings(database_url=database_url, key_secret="http-test-secret")
    return Apps(apps.services, base)


def _with_probe(app: FastAPI) -> FastAPI:
    # What the routes that count letters see: the request's partner id.
    @app.get("/test/partner")
    async def probe(partner: PartnerIdDep) -> dict[str, str | None]:
        return {"partner_id": partner}

    return app


@pytest.fixture
async def started(keyed: Apps) -> AsyncIterator[FastAPI]:
    async with running(_with_probe(keyed.build())) as app:
        yield app


async def test_a_partners_key_is_attributed_to_that_partner(
    keyed: Apps
) -> None:
    new = await add_partner(keyed.base)
    app = _with_probe(keyed.build())
    async with running(app), client(app) as c:
        keyed = await c.get("/test/partner", headers={"X-API-Key": new.key})
        anonymous = await c.get("/test/partner")
        composed = await c.post(COMPOSE_PATH, json=COMPOSE, headers={"X-API-Key": new.key})
    assert keyed.json() == {"partner_id": new.row.id}
    assert anonymous.json() == {"partner_id": None}
    assert composed.status_code == 200


@pytest.mark.parametrize(
    "key", ["wrong", issue().key, "el_0123456789_" + "A" * 43, "el_" + "x" * 54]
)
async def test_a_wrong_key_is_401_problem_everywhere(started: FastAPI, key: str) -> None:
    async with client(started) as c:
        for answer in (
            await c.post(COMPOSE_PATH, json=COMPOSE, headers={"X-API-Key": key}),
            await c.get("/v1/campaigns", headers={"X-API-Key": key}),
        ):
            assert answer.status_code == 401
            assert answer.headers["content-type"] == PROBLEM
            assert answer.json()["type"] == "/problems/unauthorized"
            assert key not in answer.text


async def test_a_key_with_the_right_id_and_a_wrong_secret_is_401(
    keyed: Apps
) -> None:
    new = await add_partner(keyed.base)
    forged = new.key[:-3] + ("abc" if not new.key.endswith("abc") else "xyz")
    async with keyed.serve() as c:
        assert (await c.get("/v1/campaigns", headers={"X-API-Key": forged})).status_code == 401


async def test_a_key_made_under_another_secret_is_401(keyed: Apps) -> None:
    new = await add_partner(keyed.base)
    async with keyed.serve(key_secret="a-different-secret") as c:
        assert (await c.get("/v1/campaigns", headers={"X-API-Key": new.key})).status_code == 401


async def test_a_revoked_key_is_401_after_the_next_reload(
    keyed: Apps
) -> None:
    new = await add_partner(keyed.base)
    app = keyed.build()
    async with running(app), client(app) as c:
        headers = {"X-API-Key": new.key}
        assert (await c.get("/v1/campaigns", headers=headers)).status_code == 200
        await revoke_partner(keyed.base, new.row.id)
        await app.state.partners.refresh()
        assert (await c.get("/v1/campaigns", headers=headers)).status_code == 401


async def test_the_background_reload_picks_up_new_and_revoked_keys(
    keyed: Apps
) -> None:
    app = keyed.build(partners_refresh_seconds=0.05)
    async with running(app), client(app) as c:
        new = await add_partner(keyed.base)
        headers = {"X-API-Key": new.key}
        assert await _eventually(c, headers, 200)
        await revoke_partner(keyed.base, new.row.id)
        assert await _eventually(c, headers, 401)


async def _eventually(c: httpx.AsyncClient, headers: dict[str, str], status: int) -> bool:
    # Waits for the reload to happen; the bound is generous, it is not a speed check.
    for _ in range(200):
        if (await c.get("/v1/campaigns", headers=headers)).status_code == status:
            return True
        await asyncio.sleep(0.05)
    return False


async def test_an_empty_key_header_is_an_anonymous_request(started: FastAPI) -> None:
    async with client(started) as c:
        answer = await c.get("/test/partner", headers={"X-API-Key": ""})
    assert answer.json() == {"partner_id": None}


async def test_openapi_names_the_key_header_as_a_security_scheme(started: FastAPI) -> None:
    async with client(started) as c:
        document = (await c.get("/openapi.json")).json()
    scheme = document["components"]["securitySchemes"]["PartnerKey"]
    assert scheme == scheme | {"type": "apiKey", "in": "header", "name": "X-API-Key"}
    assert {"PartnerKey": []} in document["paths"][COMPOSE_PATH]["post"]["security"]




async def test_letters_composed_with_a_key_are_counted_for_that_partner(keyed: Apps) -> None:
    new = await add_partner(keyed.base)
    app = keyed.build()
    async with running(app), client(app) as c:
        for headers in ({"X-API-Key": new.key}, {"X-API-Key": new.key}, {}):
            assert (await c.post(COMPOSE_PATH, json=COMPOSE, headers=headers)).status_code == 200
        resources = app.state.resources
        await flush(resources.database, resources.pending)
        async with resources.database.sessions() as session:
            totals = await store.totals_by_partner(session)
    assert totals == {new.row.id: store.Totals(composed=2)}
