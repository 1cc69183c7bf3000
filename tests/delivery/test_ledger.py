"""SQLite's acceptance ledger: written while the main file's write lock is held elsewhere,
durable when the write returns even if the process is killed right after, an entry counts
for its own outbox row only, entries go with their bookkeeping (leftovers with the sweep),
nothing personal in the file, and its WAL stays small."""

import asyncio
import os
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from app.db.database import Database
from app.delivery.acceptances import Acceptance, Acceptances
from app.delivery.ledger import Entry, Ledger
from app.services import Services
from app.settings import Settings
from tests.send_fixtures import PERSON, Harness, harness_for, send_body

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def entry(outbox_id: int, reference: str = "ref") -> Entry:
    return Entry(outbox_id, reference, "smtp", f"<{outbox_id}@platform.example>", NOW)


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    found = Ledger.for_database(make_url(f"sqlite+aiosqlite:///{tmp_path / 'letters.db'}"))
    assert found is not None and found.path == f"{tmp_path / 'letters.db'}-acceptances"
    return found


def test_postgresql_has_one_ledger_per_database_on_this_machine_unless_off() -> None:
    def of(url: str, where: str = "auto") -> str | None:
        found = Ledger.for_database(make_url(url), where)
        return found.path if found else None

    first = of("postgresql+asyncpg://postgres@127.0.0.1:5432/letters")
    assert first is not None and first.startswith(tempfile.gettempdir())
    assert first == of("postgresql+asyncpg://other:pw@127.0.0.1:5432/letters")
    assert first != of("postgresql+asyncpg://postgres@127.0.0.1:5432/staging")
    assert of("postgresql+asyncpg://postgres@127.0.0.1/x", "off") is None
    assert of("postgresql+asyncpg://postgres@127.0.0.1/x", "/srv/ledger.db") == "/srv/ledger.db"
    assert os.stat(os.path.dirname(first)).st_mode & 0o777 == 0o700


@sqlite_only
async def test_an_acceptance_is_recorded_while_the_main_file_is_locked(
    database_url: str,
) -> None:
    """Another process holds the main file's write lock (a claim, say) for as long as this
    takes: the acceptance does not wait for it."""
    database = Database.connect(database_url)
    holder = sqlite3.connect(make_url(database_url).database or "", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    acceptances = Acceptances(database)
    try:
        # A deadline, not a speed claim: waiting for the lock would take the busy timeout.
        await asyncio.wait_for(acceptances.record(Acceptance(7, "ref", "smtp", "<7@x>", NOW)),
                               timeout=10)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        acceptances.close()
        await database.dispose()
    assert Ledger(acceptances.ledger.path if acceptances.ledger else "").recorded(
        [(7, "ref")]) == {(7, "ref"): ("smtp", "<7@x>")}


def test_a_recorded_acceptance_survives_a_kill_right_after(ledger: Ledger) -> None:
    script = (
        "import os, signal, sys\n"
        "from datetime import UTC, datetime\n"
        "from app.delivery.ledger import Entry, Ledger\n"
        "ledger = Ledger(sys.argv[1])\n"
        "ledger.record(Entry(3, 'ref', 'smtp', '<3@x>', datetime.now(UTC)))\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    killed = subprocess.run([sys.executable, "-c", script, ledger.path], check=False)
    assert killed.returncode == -9
    assert ledger.recorded([(3, "ref"), (4, "ref")]) == {(3, "ref"): ("smtp", "<3@x>")}


def test_an_entry_counts_only_for_its_own_outbox_row(ledger: Ledger) -> None:
    """An id met again (a database restored from a backup beside a newer ledger): a leftover
    entry of the old row must not pass the new e-mail off as sent (a lost letter)."""
    ledger.record(entry(5, "old-reference"))
    assert ledger.recorded([(5, "new-reference")]) == {}
    assert ledger.recorded([(5, "old-reference")]) == {
        (5, "old-reference"): ("smtp", "<5@platform.example>")
    }


def test_checkpoints_keep_the_wal_small(ledger: Ledger) -> None:
    """Without them every commit would grow the WAL for good (a 4 KiB page each)."""
    for i in range(3000):
        ledger.record(entry(i))
        ledger.forget([(i, "ref")])
    wal = Path(f"{ledger.path}-wal").stat().st_size
    ledger.close()
    assert wal < 4 * 2**20, wal


@pytest.fixture
async def queued(services: Services, send_settings: Settings) -> AsyncIterator[Harness]:
    settings = send_settings.model_copy(update={"require_confirmation": False})
    async with harness_for(services, settings) as harness:
        yield harness


@sqlite_only
async def test_entries_go_with_their_bookkeeping_and_leftovers_with_the_sweep(
    queued: Harness,
) -> None:
    for i in range(3):
        answer = await queued.client.post("/v1/letters", json=send_body(personal_note=f"#{i}"))
        assert answer.status_code == 202
    worker = queued.resources.worker
    ledger = worker.acceptances.ledger
    assert ledger is not None
    recorded: list[tuple[int, str]] = []
    record = ledger.record
    ledger.record = lambda e: (recorded.append((e.outbox_id, e.reference)), record(e))[1]
    assert await queued.deliver() == 3
    assert len(recorded) == 3 and ledger.keys() == []
    ledger.record(entry(999, "a-row-long-gone"))  # its worker died after the bookkeeping
    await worker._sweep()
    assert ledger.keys() == []
    files = [Path(ledger.path), Path(f"{ledger.path}-wal")]
    stored = b"".join(f.read_bytes() for f in files if f.exists())
    assert PERSON.encode() not in stored and b"Jane Doe" not in stored
