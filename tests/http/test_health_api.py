"""Liveness and readiness: ready means the database answers."""

import httpx


async def test_healthz_and_readyz_answer_ok(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok"}
