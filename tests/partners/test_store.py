"""The partners table on SQLite and PostgreSQL: keys kept as digests, revocation kept."""

from datetime import UTC, date, datetime

from sqlalchemy import select

from app.db.database import Database
from app.db.models import CounterRow
from app.partners import store
from app.partners.keys import digest
from app.partners.models import PartnerRow

SECRET = b"store-test-secret"
NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


async def _add(database: Database, name: str = "NGO", **fields: object) -> store.NewPartner:
    values: dict[str, object] = {"origins": ["https://ngo.example"], "rate_limit": None} | fields
    async with database.begin() as session:
        return await store.add(session, name=name, secret=SECRET, now=NOW, **values)  # type: ignore[arg-type]


async def test_a_new_partner_is_stored_with_the_digest_and_never_the_key(
    database: Database,
) -> None:
    new = await _add(database, rate_limit="100/minute")
    async with database.sessions() as session:
        row = (await session.scalars(select(PartnerRow))).one()
    assert row.id == new.row.id and new.key.startswith(f"el_{row.id}_")
    assert row.key_digest == digest(SECRET, new.key)
    assert new.key not in (row.key_digest, row.id, row.name)
    assert row.origins == ["https://ngo.example"]
    assert (row.rate_limit, row.revoked_at) == ("100/minute", None)


async def test_the_source_gives_every_partner_as_records(database: Database) -> None:
    first, second = await _add(database, "One"), await _add(database, "Two", origins=[])
    records = await store.source(database)()
    assert {(r.id, r.name, r.origins, r.revoked) for r in records} == {
        (first.row.id, "One", ("https://ngo.example",), False),
        (second.row.id, "Two", (), False),
    }


async def test_revoking_keeps_the_row_and_marks_it(database: Database) -> None:
    new = await _add(database)
    async with database.begin() as session:
        revoked = await store.revoke(session, new.row.id, NOW)
        unknown = await store.revoke(session, "0000000000", NOW)
    assert revoked is not None and unknown is None
    (record,) = await store.source(database)()
    assert record.revoked


async def test_totals_add_up_a_partners_counters_over_campaigns_and_days(
    database: Database,
) -> None:
    new = await _add(database)
    async with database.begin() as session:
        session.add_all(
            [
                _counter(new.row.id, "navalny-appeal", "DE", 1, composed=3, sent=2),
                _counter(new.row.id, "other-campaign", "FR", 2, composed=1, delivered=1),
                _counter("", "navalny-appeal", "DE", 1, composed=50),
            ]
        )
    async with database.sessions() as session:
        totals = await store.totals_by_partner(session)
    assert totals == {new.row.id: store.Totals(composed=4, reported=0, sent=2, delivered=1)}


def _counter(partner: str, campaign: str, country: str, day: int, **counts: int) -> CounterRow:
    values = {"composed": 0, "reported": 0, "sent": 0, "delivered": 0} | counts
    return CounterRow(
        campaign_id=campaign, country=country, partner_id=partner, day=date(2026, 12, day), **values
    )
