"""The delivery worker on a real database: retries, Retry-After, giving up, leases, pacing,
and two workers never sending the same letter."""

import asyncio
import itertools
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import event, select

from app.db.database import Database
from app.db.models import EmbassySendRow, LetterRow, OutboxRow
from app.delivery import outbox
from app.delivery.acceptances import Acceptance, Acceptances
from app.delivery.dispatch import Pacing, Sent
from app.delivery.ledger import Entry, Ledger
from app.delivery.provider import Accepted, PermanentSendError, TransientSendError
from app.delivery.providers.postmark import PostmarkConfig, PostmarkProvider
from app.delivery.worker import Worker, WorkerConfig
from app.services import Services
from app.settings import Settings
from tests.fakes.provider_servers import PostmarkServer
from tests.fakes.worker_process import held_by
from tests.send_fixtures import BERN, PERSON, Harness, harness_for, send_body


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
async def queued(services: Services, send_settings: Settings) -> AsyncIterator[Harness]:
    """The app with confirmation off: every POST is queued at once."""
    settings = send_settings.model_copy(update={"require_confirmation": False})
    async with harness_for(services, settings) as harness:
        yield harness


def worker(
    harness: Harness,
    clock: Clock,
    database: Database | None = None,
    pacing: Pacing | None = None,
    **config: Any,
) -> Worker:
    dispatch = harness.resources.worker.dispatch
    if database is not None:
        dispatch = replace(dispatch, database=database)
    if pacing is not None:
        dispatch = replace(dispatch, pacing=pacing)
    return Worker(
        dispatch.database, harness.provider, dispatch, WorkerConfig(**config), clock=clock
    )


async def post(harness: Harness, n: int = 1) -> list[str]:
    ids = []
    for i in range(n):
        answer = await harness.client.post("/v1/letters", json=send_body(personal_note=f"#{i}"))
        assert answer.status_code == 202, answer.text
        ids.append(answer.json()["id"])
    return ids


async def outbox_rows(harness: Harness) -> list[OutboxRow]:
    async with harness.resources.database.begin() as session:
        return list((await session.execute(select(OutboxRow))).scalars())


async def status(harness: Harness, letter_id: str) -> dict[str, Any]:
    answer = await harness.client.get(f"/v1/letters/{letter_id}")
    result: dict[str, Any] = answer.json()
    return result


async def test_a_transient_failure_is_retried_within_seconds(queued: Harness) -> None:
    (letter_id,) = await post(queued)
    clock = Clock(datetime.now(UTC))
    queued.provider.failures = [TransientSendError("smtp 451: try later")]
    w = worker(queued, clock)
    assert await w.run_once() == 1
    assert queued.provider.sent == []
    (row,) = await outbox_rows(queued)
    wait = (row.due_at - clock.now).total_seconds()
    assert 1.0 <= wait <= 2.0 and row.attempts == 1 and row.lease_owner is None
    assert (await status(queued, letter_id))["status"] == "queued"
    assert await w.run_once() == 0  # not due yet
    clock.advance(seconds=2.1)
    assert await w.run_once() == 1
    assert len(queued.provider.to(BERN)) == 1
    assert (await status(queued, letter_id))["status"] == "sent"


async def test_retry_after_is_honoured(queued: Harness) -> None:
    await post(queued)
    clock = Clock(datetime.now(UTC))
    queued.provider.failures = [TransientSendError("429 slow down", retry_after=90)]
    assert await worker(queued, clock).run_once() == 1
    (row,) = await outbox_rows(queued)
    assert row.due_at == clock.now + timedelta(seconds=90)


async def test_later_retries_back_off_up_to_minutes(queued: Harness) -> None:
    await post(queued)
    clock = Clock(datetime.now(UTC))
    queued.provider.failures = [TransientSendError("smtp 421") for _ in range(9)]
    w = worker(queued, clock, max_attempts=20)
    waits = []
    for _ in range(9):
        assert await w.run_once() == 1
        (row,) = await outbox_rows(queued)
        waits.append((row.due_at - clock.now).total_seconds())
        clock.now = row.due_at
    assert waits[0] <= 2.0 and waits[-1] <= 300.0 and waits[-1] >= 150.0
    # Uncapped, each step doubles: even with jitter a wait is never shorter than the last.
    assert all(b >= a for a, b in itertools.pairwise(waits[:7]))


async def test_a_permanent_failure_fails_the_letter_and_tells_the_person(
    queued: Harness,
) -> None:
    (letter_id,) = await post(queued)
    clock = Clock(datetime.now(UTC))
    queued.provider.failures = [PermanentSendError("smtp 550: mailbox unavailable")]
    w = worker(queued, clock)
    assert await w.run_once() == 1
    answer = await status(queued, letter_id)
    assert answer["status"] == "failed"
    assert answer["reason"] == "smtp 550: mailbox unavailable"
    assert await w.run_once() == 1  # the notice to the person
    (notice,) = queued.provider.to(PERSON)
    assert "did not arrive" in notice.subject
    assert "Jane Doe" in notice.text  # a copy of the letter
    assert "Brunnadernrain" in notice.text or "switzerland.mid.ru" in notice.text


async def test_it_gives_up_after_max_attempts_with_the_reason(queued: Harness) -> None:
    (letter_id,) = await post(queued)
    clock = Clock(datetime.now(UTC))
    queued.provider.failures = [TransientSendError("smtp 421: busy") for _ in range(3)]
    w = worker(queued, clock, max_attempts=3)
    for _ in range(3):
        assert await w.run_once() == 1
        clock.advance(minutes=6)
    answer = await status(queued, letter_id)
    assert answer["status"] == "failed"
    assert answer["reason"] == "gave up after 3 attempts: smtp 421: busy"


async def test_a_dead_workers_lease_expires_and_the_letter_goes_once(queued: Harness) -> None:
    await post(queued)
    clock = Clock(datetime.now(UTC))
    lease = timedelta(seconds=30)
    async with queued.resources.database.begin() as session:  # a worker claims, then dies
        assert len(await outbox.claim(session, "dead-worker", clock.now, lease, 10)) == 1
    survivor = worker(queued, clock, lease=lease)
    assert await survivor.run_once() == 0
    clock.advance(seconds=31)
    assert await survivor.run_once() == 1
    assert await survivor.run_once() == 0
    assert len(queued.provider.to(BERN)) == 1


async def test_an_acceptance_recorded_before_the_worker_died_is_finished_not_resent(
    queued: Harness,
) -> None:
    """Killed between the provider's answer (written on the outbox row at once) and the
    letter's bookkeeping: the next claim records the letter as sent and sends nothing."""
    (letter_id,) = await post(queued)
    clock = Clock(datetime.now(UTC))
    lease = timedelta(seconds=30)
    dispatch = queued.resources.worker.dispatch
    async with queued.resources.database.begin() as session:
        (item,) = await outbox.claim(session, "dead-worker", clock.now, lease, 10)
    assert await dispatch.prepare(item, "dead-worker", clock.now) is not None
    await Acceptances(queued.resources.database).record(
        Acceptance(item.id, item.reference, "smtp", "<given@relay>", clock.now)
    )
    assert (await status(queued, letter_id))["status"] == "sending"
    survivor = worker(queued, clock, lease=lease)
    clock.advance(seconds=31)
    assert await survivor.run_once() == 1
    assert queued.provider.sent == []
    assert await outbox_rows(queued) == []
    async with queued.resources.database.begin() as session:
        row = await session.get(LetterRow, letter_id)
    assert row is not None and row.status == "sent"
    assert (row.provider, row.provider_message_id) == ("smtp", "<given@relay>")


async def test_an_acceptance_only_in_this_machines_ledger_is_finished_not_resent(
    queued: Harness,
) -> None:
    """Killed the moment the ledger had the acceptance, before anything else did (on
    PostgreSQL, before the outbox row): a worker restarted here sends nothing again."""
    (letter_id,) = await post(queued)
    clock = Clock(datetime.now(UTC))
    lease = timedelta(seconds=30)
    database = queued.resources.database
    async with database.begin() as session:
        (item,) = await outbox.claim(session, "dead-worker", clock.now, lease, 10)
    assert await queued.resources.worker.dispatch.prepare(item, "dead", clock.now) is not None
    ledger = Ledger.for_database(database.engine.url)
    assert ledger is not None
    ledger.record(Entry(item.id, item.reference, "smtp", "<given@relay>", clock.now))
    ledger.close()
    assert [row.accepted_by for row in await outbox_rows(queued)] == [None]
    clock.advance(seconds=31)
    assert await worker(queued, clock, lease=lease).run_once() == 1
    assert queued.provider.sent == []
    assert (await status(queued, letter_id))["status"] == "sent"


async def test_acceptances_that_come_together_are_all_durable(queued: Harness) -> None:
    """Ten at once are all recorded when their writes return; on PostgreSQL in fewer
    statements than ten (one executemany while the first is on its way), on SQLite each
    into the ledger as it comes."""
    await post(queued, 10)
    database = queued.resources.database
    now = datetime.now(UTC)
    async with database.begin() as session:
        items = await outbox.claim(session, "w", now, timedelta(seconds=30), 10)
    statements: list[int] = []

    def seen(conn: Any, cursor: Any, sql: str, params: Any, context: Any, many: bool) -> None:
        if sql.lstrip().upper().startswith("UPDATE OUTBOX"):
            statements.append(len(params) if many else 1)

    engine = database.urgent.sync_engine if database.urgent is not None else None
    if engine is not None:
        event.listen(engine, "before_cursor_execute", seen)
    acceptances = Acceptances(database)
    try:
        await asyncio.gather(*(
            acceptances.record(Acceptance(i.id, i.reference, "smtp", f"<{i.id}@relay>", now))
            for i in items
        ))
    finally:
        acceptances.close()
        if engine is not None:
            event.remove(engine, "before_cursor_execute", seen)
    if engine is not None:
        assert sum(statements) == 10 and len(statements) < 10
    held = await held_by(database, "w")
    assert {(h.accepted_by, h.provider_message_id) for h in held} == {
        ("smtp", f"<{i.id}@relay>") for i in items
    }


async def test_a_confirmation_recorded_after_the_click_never_touches_the_letters_email(
    harness: Harness,
) -> None:
    """The person clicks while the worker is still recording their confirmation e-mail:
    the click deletes that outbox row and adds the letter's. The worker's late writes name
    the old row's id, which must never be the new row's (SQLite reused the highest rowid
    once the table was empty, so the letter's row took the acceptance and was deleted)."""
    assert (await harness.client.post("/v1/letters", json=send_body())).status_code == 202
    dispatch = harness.resources.worker.dispatch
    now = datetime.now(UTC)
    async with harness.resources.database.begin() as session:
        (item,) = await outbox.claim(session, "w", now, timedelta(seconds=30), 10)
        (ready,) = await dispatch.prepare_many(session, [item], "w", now)
    assert ready.email is not None and item.kind == "confirmation"
    page = await harness.client.get("/v1/letters/confirm",
                                    params={"token": harness.token(ready.email)})
    assert page.status_code == 200
    (letter_row,) = await outbox_rows(harness)
    assert letter_row.kind == "letter" and letter_row.id != item.id
    await Acceptances(harness.resources.database).record(
        Acceptance(item.id, item.reference, "recording", "<late@provider>", now)
    )
    await dispatch.sent_many([Sent(item, Accepted("<late@provider>"), now)], "recording")
    assert await harness.deliver() == 1
    assert len(harness.provider.to(BERN)) == 1


async def test_a_claim_reads_the_bounced_addresses_once_for_all_its_letters(
    queued: Harness,
) -> None:
    await post(queued, 5)
    engine = queued.resources.database.engine.sync_engine
    reads: list[str] = []

    def seen(conn: Any, cursor: Any, sql: str, params: Any, context: Any, many: bool) -> None:
        if "address_health" in sql.lower():
            reads.append(sql)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        assert await worker(queued, Clock(datetime.now(UTC)), concurrency=5).run_once() == 5
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert len(reads) == 1
    assert len(queued.provider.to(BERN)) == 5


async def test_two_workers_never_send_the_same_letter(queued: Harness, database_url: str) -> None:
    ids = await post(queued, 40)
    queued.provider.delay = 0.002
    clock = Clock(datetime.now(UTC))
    engines = [Database.connect(database_url) for _ in range(2)]
    try:
        workers = [worker(queued, clock, database=e, concurrency=4) for e in engines]

        async def drain(w: Worker) -> None:
            while await w.run_once():
                pass

        await asyncio.gather(*(drain(w) for w in workers))
    finally:
        for e in engines:
            await e.dispose()
    sent = [e.message_id for e in queued.provider.to(BERN)]
    assert len(sent) == len(ids) == len(set(sent))
    async with queued.resources.database.begin() as session:
        statuses = (await session.execute(select(LetterRow.status))).scalars().all()
    assert set(statuses) == {"sent"}


def later_today() -> datetime:
    """A moment after every letter a test posts, on the same UTC day when possible."""
    now = datetime.now(UTC) + timedelta(seconds=5)
    return now


def next_saturday_noon() -> datetime:
    day = datetime.now(UTC).date() + timedelta(days=1)
    while day.weekday() != 5:
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC)


async def test_over_the_daily_budget_letters_wait_for_the_next_day(queued: Harness) -> None:
    ids = await post(queued, 3)
    clock = Clock(later_today())
    midnight = datetime.combine(clock.now.date() + timedelta(days=1), datetime.min.time(), UTC)
    w = worker(queued, clock, pacing=Pacing(daily_limit=2))
    assert await w.run_once() == 3
    assert len(queued.provider.to(BERN)) == 2
    held = [s for s in [await status(queued, i) for i in ids] if s["status"] == "queued"]
    assert len(held) == 1
    assert datetime.fromisoformat(held[0]["not_before"]) == midnight
    assert await w.run_once() == 0
    clock.now = midnight + timedelta(seconds=1)
    assert await w.run_once() == 1
    assert len(queued.provider.to(BERN)) == 3
    assert (await status(queued, held[0]["id"]))["not_before"] is None


async def test_the_budget_is_shared_by_workers_on_the_same_database(
    queued: Harness, database_url: str
) -> None:
    await post(queued, 6)
    clock = Clock(later_today())
    other = Database.connect(database_url)
    try:
        pacing = Pacing(daily_limit=4)
        workers = [
            worker(queued, clock, pacing=pacing, concurrency=3),
            worker(queued, clock, database=other, pacing=pacing, concurrency=3),
        ]
        await asyncio.gather(*(w.run_once() for w in workers))
    finally:
        await other.dispose()
    assert len(queued.provider.to(BERN)) == 4


async def slots_used(harness: Harness, day: date) -> int:
    async with harness.resources.database.begin() as session:
        used = await session.scalar(select(EmbassySendRow.count).where(
            EmbassySendRow.address == BERN, EmbassySendRow.day == day))
    return int(used or 0)


@pytest.mark.parametrize("failure", [
    PermanentSendError("smtp 550: mailbox unavailable"),
    TransientSendError("smtp 421: busy"),  # the last allowed attempt: it gives up
])
async def test_a_letter_that_failed_gives_its_slot_back(
    queued: Harness, failure: Exception
) -> None:
    """The embassy never got it: the day's budget is for letters that reach it."""
    await post(queued, 2)
    clock = Clock(later_today())
    w = worker(queued, clock, pacing=Pacing(daily_limit=1), concurrency=1, max_attempts=1)
    queued.provider.failures = [failure]
    assert await w.run_once() == 1  # the first letter fails
    assert await slots_used(queued, clock.now.date()) == 0
    while await w.run_once():  # its notice, and the second letter on the same day
        pass
    assert len(queued.provider.to(BERN)) == 1
    assert await slots_used(queued, clock.now.date()) == 1


async def test_a_retried_letter_keeps_its_one_slot(queued: Harness) -> None:
    (letter_id,) = await post(queued)
    clock = Clock(later_today())
    w = worker(queued, clock, pacing=Pacing(daily_limit=1))
    queued.provider.failures = [TransientSendError("smtp 421: busy")]
    assert await w.run_once() == 1
    assert await slots_used(queued, clock.now.date()) == 1
    clock.advance(seconds=3)  # the first retry is due within 2 s and jitter
    assert await w.run_once() == 1
    assert (await status(queued, letter_id))["status"] == "sent"  # not held for tomorrow
    assert len(queued.provider.to(BERN)) == 1
    assert await slots_used(queued, clock.now.date()) == 1


async def test_a_retry_erased_by_the_person_gives_its_slot_back(queued: Harness) -> None:
    first, second = await post(queued, 2)
    clock = Clock(later_today())
    w = worker(queued, clock, pacing=Pacing(daily_limit=1), concurrency=1)
    queued.provider.failures = [TransientSendError("smtp 421: busy")]
    assert await w.run_once() == 1  # the first letter waits for its retry, holding the slot
    assert await slots_used(queued, clock.now.date()) == 1
    assert (await queued.client.delete(f"/v1/letters/{first}")).status_code == 204
    assert await slots_used(queued, clock.now.date()) == 0
    clock.advance(seconds=3)
    while await w.run_once():
        pass
    assert (await status(queued, second))["status"] == "sent"  # today, not held to tomorrow
    assert len(queued.provider.to(BERN)) == 1


async def test_a_letter_claimed_again_after_a_crash_keeps_its_one_slot(queued: Harness) -> None:
    (letter_id,) = await post(queued)
    clock = Clock(later_today())
    lease = timedelta(seconds=30)
    dead = worker(queued, clock, pacing=Pacing(daily_limit=1), lease=lease)
    async with queued.resources.database.begin() as session:  # claimed, made ready, then died
        await dead.dispatch.prepare_many(
            session, await outbox.claim(session, "dead", clock.now, lease, 10), "dead", clock.now
        )
    assert await slots_used(queued, clock.now.date()) == 1
    clock.advance(seconds=31)
    assert await worker(queued, clock, pacing=Pacing(daily_limit=1), lease=lease).run_once() == 1
    assert (await status(queued, letter_id))["status"] == "sent"
    assert await slots_used(queued, clock.now.date()) == 1


async def test_a_retry_held_past_closing_time_gives_the_days_slot_back(
    queued: Harness,
) -> None:
    (letter_id,) = await post(queued)
    friday = datetime.now(UTC).date() + timedelta(days=1)
    while friday.weekday() != 4:
        friday += timedelta(days=1)
    closing = datetime.combine(friday, time(18, 0), ZoneInfo("Europe/Zurich")).astimezone(UTC)
    clock = Clock(closing - timedelta(seconds=1))
    w = worker(queued, clock, pacing=Pacing(daily_limit=1, office_hours_only=True))
    queued.provider.failures = [TransientSendError("smtp 421: busy")]
    assert await w.run_once() == 1
    assert await slots_used(queued, friday) == 1
    clock.advance(seconds=3)  # the retry comes after 18:00 in Bern
    assert await w.run_once() == 1
    answer = await status(queued, letter_id)
    assert answer["status"] == "queued" and answer["not_before"] is not None
    assert await slots_used(queued, friday) == 0  # it goes on Monday, on Monday's budget


async def test_office_hours_hold_letters_until_the_embassy_opens(queued: Harness) -> None:
    (letter_id,) = await post(queued)
    saturday = next_saturday_noon()
    clock = Clock(saturday)
    w = worker(queued, clock, pacing=Pacing(office_hours_only=True))
    assert await w.run_once() == 1
    assert queued.provider.sent == []
    # Monday 09:00 in Bern (Europe/Zurich), whatever its offset that week.
    monday = datetime.combine(
        saturday.date() + timedelta(days=2), time(9, 0), ZoneInfo("Europe/Zurich")
    )
    opens = datetime.fromisoformat((await status(queued, letter_id))["not_before"])
    assert opens == monday
    clock.now = monday.astimezone(UTC) + timedelta(seconds=1)
    assert await w.run_once() == 1
    assert len(queued.provider.to(BERN)) == 1


# A second attempt at a provider that can be asked (Postmark) asks first.


def postmark_worker(
    harness: Harness, clock: Clock, fake: PostmarkServer, http: httpx.AsyncClient,
    timeout: float = 5.0,
) -> Worker:
    provider = PostmarkProvider(PostmarkConfig(fake.token, fake.url, timeout), http)
    dispatch = harness.resources.worker.dispatch
    return Worker(dispatch.database, provider, dispatch, WorkerConfig(), clock=clock)


async def accepted_by_then(fake: PostmarkServer, count: int) -> None:
    for _ in range(200):  # a deadline, not a timing assertion
        if len(fake.messages) >= count:
            return
        await asyncio.sleep(0.02)


async def test_an_attempt_that_timed_out_but_reached_the_provider_is_not_sent_again(
    queued: Harness, http: httpx.AsyncClient
) -> None:
    (letter_id,) = await post(queued)
    clock = Clock(datetime.now(UTC))
    with PostmarkServer(delay=0.6) as fake:  # answers after the worker stopped waiting
        w = postmark_worker(queued, clock, fake, http, timeout=0.2)
        assert await w.run_once() == 1
        assert (await status(queued, letter_id))["status"] == "queued"
        await accepted_by_then(fake, 1)  # Postmark had it all along
        fake.behaviour.delay = 0.0  # and now it answers at once: a resend would go through
        clock.advance(seconds=5)
        assert await w.run_once() == 1
        assert len(fake.accepted) == 1 and len(fake.searches) == 1
        async with queued.resources.database.begin() as session:
            row = await session.get(LetterRow, letter_id)
            assert row is not None
            assert (row.status, row.provider) == ("sent", "postmark")
            assert row.provider_message_id == fake.messages[0].message_id
    assert await outbox_rows(queued) == []


@pytest.mark.parametrize("search", ["ok", "rejected"])
async def test_an_attempt_the_provider_refused_is_sent_again_after_asking(
    queued: Harness, http: httpx.AsyncClient, search: Literal["ok", "rejected"]
) -> None:
    """The search finds nothing, or Postmark refuses it (a 422: the letter is not failed for
    that, it is sent as it would be without asking); either way the letter goes once."""
    (letter_id,) = await post(queued)
    clock = Clock(datetime.now(UTC))
    with PostmarkServer() as fake:
        w = postmark_worker(queued, clock, fake, http)
        fake.behaviour.answer = "server_error"
        assert await w.run_once() == 1
        assert fake.searches == []  # a first attempt sends straight away
        fake.behaviour.answer = "ok"
        fake.search_answer = "server_error"  # nor can it ask: it waits, sending nothing
        clock.advance(seconds=5)
        assert await w.run_once() == 1
        assert fake.accepted == []
        fake.search_answer = search
        clock.advance(seconds=30)
        assert await w.run_once() == 1
        assert len(fake.searches) == 2 and len(fake.accepted) == 1
    assert (await status(queued, letter_id))["status"] == "sent"
