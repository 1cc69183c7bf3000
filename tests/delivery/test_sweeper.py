"""Privacy by expiry, on both databases: unconfirmed letters lose their data when the link
expires; finished letters go after the retention period, leaving only the counters."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from app.db.models import CounterRow, LetterRow, OutboxRow
from app.delivery.sweeper import sweep
from tests.send_fixtures import Harness, send_body


async def count(harness: Harness, model: type) -> int:
    async with harness.resources.database.begin() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_unconfirmed_letters_are_erased_when_their_link_expires(harness: Harness) -> None:
    created = (await harness.client.post("/v1/letters", json=send_body())).json()
    database = harness.resources.database
    assert await sweep(database, datetime.now(UTC), timedelta(days=30)) == (0, 0)
    later = datetime.fromisoformat(created["expires_at"]) + timedelta(seconds=1)
    assert await sweep(database, later, timedelta(days=30)) == (1, 0)
    async with database.begin() as session:
        row = (await session.execute(select(LetterRow))).scalar_one()
    assert row.status == "expired"
    assert (row.sender_name, row.sender_email, row.subject, row.body, row.token_hash) == (
        None,
        None,
        None,
        None,
        None,
    )
    assert await count(harness, OutboxRow) == 0  # the pending confirmation (and its token)
    assert await harness.deliver() == 0


async def test_sent_letters_are_deleted_after_retention_and_counters_stay(
    harness: Harness,
) -> None:
    letter_id = await harness.confirmed_letter()
    await harness.deliver()
    database = harness.resources.database
    soon = datetime.now(UTC) + timedelta(days=29)
    assert await sweep(database, soon, timedelta(days=30)) == (0, 0)
    assert (await harness.client.get(f"/v1/letters/{letter_id}")).status_code == 200
    after = datetime.now(UTC) + timedelta(days=30, minutes=1)
    assert await sweep(database, after, timedelta(days=30)) == (0, 1)
    assert (await harness.client.get(f"/v1/letters/{letter_id}")).status_code == 404
    assert await count(harness, LetterRow) == 0
    assert await count(harness, CounterRow) == 1
    stats = (await harness.client.get("/v1/campaigns/navalny-appeal/stats")).json()
    assert stats["sent"] == 1 and stats["by_country"] == {"CH": 1}
