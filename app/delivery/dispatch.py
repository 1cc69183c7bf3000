"""What each kind of outbox e-mail is, and what its outcome does to the letter.

`letter`: the letter to the embassy, paced per embassy address; `confirmation`: the double
opt-in to the person; `notice`: the person told their letter bounced or failed.
"""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.database import Database
from app.db.models import LetterRow
from app.delivery import outbox
from app.delivery.address_health import bounced_among
from app.delivery.budget import give_back, take_slots
from app.delivery.outbox import Claimed
from app.delivery.pacing import next_opening, next_utc_day, zone_of
from app.delivery.provider import Accepted, OutgoingEmail
from app.directory.directory import Directory
from app.letters import repository
from app.letters.mail_templates import MailTemplates
from app.letters.outgoing import confirmation_email, letter_email, notice_email
from app.letters.stored import Platform, StoredLetter
from app.letters.tokens import new_reference, new_token, token_hash
from app.stats.counters import PendingCounts, bump

log = structlog.get_logger(__name__)
SENDABLE = ("queued", "sending")


@dataclass(frozen=True, slots=True)
class Pacing:
    daily_limit: int | None = None
    office_hours_only: bool = False


@dataclass(frozen=True, slots=True)
class Prepared:
    """A claimed e-mail made ready: `email` None means nothing to send now (gone, done or
    held back by pacing, all recorded already); `error` what went wrong making it."""

    item: Claimed
    email: OutgoingEmail | None  # also None for an item already accepted (item.accepted_by)
    error: Exception | None = None


@dataclass(frozen=True, slots=True)
class Sent:
    """A provider's acceptance of a claimed e-mail, at `at`, waiting to be recorded."""

    item: Claimed
    accepted: Accepted
    at: datetime


@dataclass(frozen=True, slots=True)
class Dispatch:
    database: Database
    directory: Directory
    platform: Platform
    templates: MailTemplates
    pacing: Pacing = Pacing()

    async def prepare(self, item: Claimed, owner: str, now: datetime) -> OutgoingEmail | None:
        """The e-mail to send now, or None (gone, or held back by pacing: rescheduled)."""
        async with self.database.begin() as session:
            row = await repository.get(session, item.letter_id, lock=True)
            bounced = await self._bounced(session, [item], {row.id: row} if row else {})
            email = await self._prepare(session, row, item, owner, now, bounced)
            await repository.write_sending(session)
            return email

    async def prepare_many(
        self, session: AsyncSession, items: list[Claimed], owner: str, now: datetime
    ) -> list[Prepared]:
        """`prepare` for a whole claim, in the claim's own transaction (one round of locks
        and one commit instead of one per e-mail). An error in one item's e-mail is kept
        with that item, so it cannot undo the claim of the others."""
        rows = await repository.get_many(session, [item.letter_id for item in items], lock=True)
        bounced = await self._bounced(session, items, rows)
        prepared = []
        for item in items:
            try:
                email = await self._prepare(
                    session, rows.get(item.letter_id), item, owner, now, bounced
                )
            except Exception as error:
                prepared.append(Prepared(item, None, error))
            else:
                prepared.append(Prepared(item, email))
        await repository.write_sending(session)
        return prepared

    async def _bounced(
        self, session: AsyncSession, items: list[Claimed], rows: dict[str, LetterRow]
    ) -> frozenset[str]:
        """Which addresses of a claim's letters a hard bounce was recorded against since they
        were written: one query for the whole claim (lower-cased addresses)."""
        addresses = sorted({
            address.lower() for item in items if item.kind == "letter"
            and (row := rows.get(item.letter_id)) is not None
            for address in repository.recipients(row)
        })
        return frozenset(await bounced_among(session, addresses)) if addresses else frozenset()

    async def _prepare(
        self, session: AsyncSession, row: LetterRow | None, item: Claimed, owner: str,
        now: datetime, bounced: frozenset[str],
    ) -> OutgoingEmail | None:
        if item.accepted_by is not None:  # accepted already: the worker records, never resends
            return None
        if row is None:  # the letter is gone (erased and swept): so is its e-mail
            await outbox.done(session, item.id)
            return None
        return await self._email(session, row, item, owner, now, bounced)

    async def _email(
        self, session: AsyncSession, row: LetterRow, item: Claimed, owner: str, now: datetime,
        bounced: frozenset[str],
    ) -> OutgoingEmail | None:
        letter = repository.stored(row)
        embassy = self.directory.find(letter.embassy_id)
        if item.kind == "letter" and row.status in SENDABLE and not letter.erased:
            addresses = {a.lower() for a in letter.recipients}
            if addresses and addresses <= bounced:
                # Queued before the bounce was recorded: the platform sends there no more.
                await outbox.done(session, item.id)
                await self._fail(session, row, "not sent: the embassy's address bounced hard "
                                 "since the letter was written", now)
                return None
            hold = await self._hold(session, row, letter, now)
            if hold is not None:
                row.not_before = hold
                repository.mark(session, row, "queued", now)  # `sending` if claimed before
                await outbox.retry_at(session, item.id, owner, hold, "paced", count_attempt=False)
                return None
            # Written with the claim's others at its end (write_sending), in one statement.
            repository.mark_sending(session, row, now)
            return letter_email(letter, self.platform, now)
        if embassy is not None and not letter.erased and item.kind == "confirmation" \
                and row.status == "awaiting_confirmation" and item.secret:
            return confirmation_email(letter, embassy, item.secret, self.platform,
                                      self.templates, item.reference, now)
        if embassy is not None and not letter.erased and item.kind == "notice":
            return notice_email(letter, embassy, self.platform, self.templates,
                                item.reference, now, item.secret)
        await outbox.done(session, item.id)  # nothing left to send for this row
        return None

    async def _hold(
        self, session: AsyncSession, row: LetterRow, letter: StoredLetter, now: datetime
    ) -> datetime | None:
        """When a paced letter may go instead of now; None: now (it holds a budget slot for
        today: taken now, or kept from an earlier attempt today)."""
        zone = self._zone(letter.embassy_id) if self.pacing.office_hours_only else None
        if zone is not None:
            opening = next_opening(now, zone)
            if opening is not None:
                await self._give_back(session, row)  # a retry after closing: not today
                return opening
        limit, today = self.pacing.daily_limit, now.date()
        if not limit or row.budget_day == today:
            return None
        if not await take_slots(session, letter.recipients, today, limit):
            tomorrow = next_utc_day(now)
            return (next_opening(tomorrow, zone) or tomorrow) if zone is not None else tomorrow
        row.budget_day = today
        return None

    async def _give_back(self, session: AsyncSession, row: LetterRow) -> None:
        """The letter will not reach the embassy on the day it took its slot for."""
        if row.budget_day is not None:
            await give_back(session, repository.stored(row).recipients, row.budget_day)
            row.budget_day = None

    def _zone(self, embassy_id: str) -> ZoneInfo | None:
        embassy = self.directory.find(embassy_id)
        return zone_of(embassy.lat, embassy.lon) if embassy else None

    async def sent(
        self, item: Claimed, provider: str, accepted: Accepted, now: datetime
    ) -> None:
        """Recorded right after the provider accepted: the duplicate window closes here."""
        await self.sent_many([Sent(item, accepted, now)], provider)

    async def sent_many(self, records: list[Sent], provider: str) -> None:
        """`sent` for every acceptance that is waiting, in one transaction (group commit).
        Core statements throughout: this runs once per round of acceptances, and the ORM's
        loading and unit of work were most of its cost."""
        async with self.database.begin() as session:
            await outbox.done(session, *(record.item.id for record in records))
            letters = [record for record in records if record.item.kind == "letter"]
            found = await repository.accepting(
                session, [record.item.letter_id for record in letters]
            )
            counts = PendingCounts()
            updates: list[dict[str, object]] = []
            events: list[dict[str, object]] = []
            for record in letters:
                letter_id = record.item.letter_id
                state = found.get(letter_id)
                if state is None:
                    continue
                status = state.status
                if status in SENDABLE:
                    status = "sent"
                    events.append({"letter_id": letter_id, "status": status, "at": record.at})
                    found[letter_id] = state._replace(status=status)
                updates.append({
                    "b_id": letter_id, "b_status": status, "b_provider": provider,
                    "b_message_id": record.accepted.provider_message_id, "b_at": record.at,
                })
                counts.count("sent", state.campaign_id, state.country, state.partner_id,
                             record.at.date())
            await repository.record_sent(session, updates, events)
            await bump(session, counts.take())

    async def failed(self, item: Claimed, reason: str, now: datetime) -> None:
        """A permanent failure (or too many transient ones): the letter fails, the person
        hears of it; a confirmation that cannot reach the person ends the letter."""
        async with self.database.begin() as session:
            await outbox.done(session, item.id)
            row = await repository.get(session, item.letter_id, lock=True)
            if row is None or item.kind == "notice":
                log.warning("email_failed", kind=item.kind, outbox_id=item.id)
                return
            if item.kind == "confirmation":
                row.reason = reason
                await repository.erase(session, row, "failed", now)
                return
            await self._fail(session, row, reason, now)

    async def _fail(
        self, session: AsyncSession, row: LetterRow, reason: str, now: datetime
    ) -> None:
        """The letter will never reach the embassy: it fails, its budget slot is free again
        (a provider's refusal never got there), and the person hears of it."""
        row.reason = reason
        await self._give_back(session, row)
        await repository.move(session, row, "failed", now)
        await self.notify(session, row, now)

    async def notify(self, session: AsyncSession, row: LetterRow, now: datetime) -> None:
        """Queue the bounce/failure notice to the person, once, if their data is still here,
        with a fresh token for its link to the letter's PDF (held like the confirmation's)."""
        if row.erased_at is None and await outbox.for_letter(session, row.id, "notice") is None:
            token = new_token()
            row.pdf_token_hash = token_hash(token)
            await outbox.enqueue(session, row.id, "notice", new_reference(), now, token)

    async def retry(
        self, item: Claimed, owner: str, due: datetime, reason: str, now: datetime
    ) -> None:
        async with self.database.begin() as session:
            kept = await outbox.retry_at(session, item.id, owner, due, reason)
            if kept and item.kind == "letter":
                row = await repository.get(session, item.letter_id, lock=True)
                if row is not None and row.status == "sending":
                    await repository.move(session, row, "queued", now)
