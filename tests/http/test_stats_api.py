"""GET /v1/campaigns/{id}/stats and POST /v1/letters/reported: public counters, composes
counted in memory and written in one upsert, nothing personal anywhere."""

from sqlalchemy import func, select

from app.db.models import CounterRow
from app.stats.counters import flush
from tests.send_fixtures import Harness

COMPOSE = {
    "campaign_id": "navalny-appeal",
    "sender": {"name": "Jane Doe"},
    "location": {"lat": 47.5584, "lon": 7.5733},
}


async def rows(harness: Harness) -> int:
    async with harness.resources.database.begin() as session:
        return int(await session.scalar(select(func.count()).select_from(CounterRow)) or 0)


async def test_composes_are_counted_in_memory_then_flushed(harness: Harness) -> None:
    for _ in range(3):
        assert (await harness.client.post("/v1/letters/compose", json=COMPOSE)).status_code == 200
    assert await rows(harness) == 0  # composing wrote nothing to the database
    await flush(harness.resources.database, harness.resources.pending)
    stats = (await harness.client.get("/v1/campaigns/navalny-appeal/stats")).json()
    assert stats == {"composed": 3, "reported": 0, "sent": 0, "delivered": 0, "by_country": {}}
    for _ in range(2):  # a second flush adds to the same row
        await harness.client.post("/v1/letters/compose", json=COMPOSE)
    await flush(harness.resources.database, harness.resources.pending)
    assert (await harness.client.get("/v1/campaigns/navalny-appeal/stats")).json()["composed"] == 5
    assert await rows(harness) == 1


async def test_reported_letters_count_by_the_embassys_country(harness: Harness) -> None:
    report = {"campaign_id": "navalny-appeal", "embassy_id": "ch-bern-embassy", "channel": "gmail"}
    answer = await harness.client.post("/v1/letters/reported", json=report)
    assert answer.status_code == 204 and answer.content == b""
    await flush(harness.resources.database, harness.resources.pending)
    stats = (await harness.client.get("/v1/campaigns/navalny-appeal/stats")).json()
    assert (stats["reported"], stats["by_country"]) == (1, {"CH": 1})


async def test_sent_letters_are_counted(harness: Harness) -> None:
    await harness.confirmed_letter()
    await harness.deliver()
    stats = (await harness.client.get("/v1/campaigns/navalny-appeal/stats")).json()
    assert (stats["sent"], stats["by_country"]) == (1, {"CH": 1})


async def test_unknown_campaigns_and_embassies_are_404(harness: Harness) -> None:
    assert (await harness.client.get("/v1/campaigns/nope/stats")).status_code == 404
    bad = {"campaign_id": "nope", "embassy_id": "ch-bern-embassy", "channel": "pdf"}
    assert (await harness.client.post("/v1/letters/reported", json=bad)).status_code == 404
    bad = {"campaign_id": "navalny-appeal", "embassy_id": "xx-nowhere-embassy", "channel": "pdf"}
    assert (await harness.client.post("/v1/letters/reported", json=bad)).status_code == 404
    bad = {"campaign_id": "navalny-appeal", "embassy_id": "ch-bern-embassy", "channel": "fax"}
    assert (await harness.client.post("/v1/letters/reported", json=bad)).status_code == 422
