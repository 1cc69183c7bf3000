"""Counting without slowing anyone down: composes and reports are counted in memory and
flushed in one upsert every few seconds (and at shutdown); sends and deliveries are counted
in the transaction that records them."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.database import Database
from app.db.models import CounterRow
from app.db.upsert import insert_for

# (campaign, country, partner, day, what)
Key = tuple[str, str, str, date, str]
FIELDS = ("composed", "reported", "sent", "delivered")


@dataclass
class PendingCounts:
    """This process's counts not yet written; asyncio is single-threaded, so a dict will do."""

    counts: Counter[Key] = field(default_factory=Counter)

    def count(
        self, what: str, campaign_id: str, country: str | None, partner_id: str | None,
        day: date,
    ) -> None:
        self.counts[(campaign_id, country or "", partner_id or "", day, what)] += 1

    def take(self) -> Counter[Key]:
        taken, self.counts = self.counts, Counter()
        return taken

    def put_back(self, counts: Counter[Key]) -> None:
        self.counts.update(counts)


async def bump(
    session: AsyncSession, counts: Counter[Key]
) -> None:
    """Add `counts` to the counters table, one upsert per (campaign, country, partner, day)."""
    rows: dict[tuple[str, str, str, date], dict[str, int]] = {}
    for (campaign, country, partner, day, what), n in counts.items():
        row = rows.setdefault((campaign, country, partner, day), dict.fromkeys(FIELDS, 0))
        row[what] += n
    upsert = _upsert(session)
    # On the session's connection, after the flush session.execute would make first: the
    # ORM's handling of an insert of a mapped class was most of a bump's cost.
    await session.flush()
    connection = await session.connection()
    # In key order: two transactions bumping the same rows lock them in the same order.
    for (campaign, country, partner, day), values in sorted(rows.items()):
        await connection.execute(upsert, {
            "b_campaign": campaign, "b_country": country, "b_partner": partner, "b_day": day,
            **{f"b_{f}": n for f, n in values.items()},
        })


_UPSERTS: dict[str, Any] = {}


def _upsert(session: AsyncSession) -> Any:
    """The upsert, built once per database kind with its values bound per call: built anew
    each time, its construction and cache key cost more than its round trip on SQLite."""
    name = session.get_bind().dialect.name
    if name not in _UPSERTS:
        insert = insert_for(session, CounterRow).values(
            campaign_id=bindparam("b_campaign"), country=bindparam("b_country"),
            partner_id=bindparam("b_partner"), day=bindparam("b_day"),
            **{f: bindparam(f"b_{f}") for f in FIELDS},
        )
        _UPSERTS[name] = insert.on_conflict_do_update(
            index_elements=["campaign_id", "country", "partner_id", "day"],
            set_={f: getattr(CounterRow, f) + getattr(insert.excluded, f) for f in FIELDS},
        )
    return _UPSERTS[name]


async def count_one(
    session: AsyncSession, what: str, campaign_id: str, country: str | None,
    partner_id: str | None, day: date,
) -> None:
    await bump(session, Counter({(campaign_id, country or "", partner_id or "", day, what): 1}))


async def flush(database: Database, pending: PendingCounts) -> None:
    """Write what was counted in memory; on failure keep it for the next flush."""
    counts = pending.take()
    if not counts:
        return
    try:
        async with database.begin() as session:
            await bump(session, counts)
    except BaseException:
        pending.put_back(counts)
        raise


async def totals(
    session: AsyncSession, campaign_id: str
) -> tuple[dict[str, int], dict[str, int]]:
    """(the four totals, letters sent or reported by country) for one campaign."""
    sums = [func.coalesce(func.sum(getattr(CounterRow, f)), 0) for f in FIELDS]
    where = CounterRow.campaign_id == campaign_id
    overall = (await session.execute(select(*sums).where(where))).one()
    by_country = await session.execute(
        select(CounterRow.country, func.sum(CounterRow.sent + CounterRow.reported))
        .where(where, CounterRow.country != "")
        .group_by(CounterRow.country)
    )
    countries = {c: int(n) for c, n in by_country.all() if n}
    return dict(zip(FIELDS, (int(v) for v in overall), strict=True)), countries
