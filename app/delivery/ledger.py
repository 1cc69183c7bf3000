"""The acceptance ledger: a tiny SQLite file that only workers write, one small commit per
acceptance: beside a SQLite database (`letters.db-acceptances`), and for PostgreSQL a local
file of this machine's workers (`LETTERS_ACCEPTANCE_LEDGER`).

Why a file of its own: the acceptance write is the duplicate window (README, "What a crash
can do"). The main file has one write lock, held by claims and bookkeeping, so an acceptance
waiting for it kept a whole burst of accepted e-mails open to a kill. This file has a lock of
its own, held for microseconds. And why synchronous, on the event loop's thread: a commit in
WAL mode is a write() into the WAL, which outlives the process (not a power cut:
`synchronous=NORMAL`), and takes ~10 µs, less than handing it to a thread would; so nothing
else runs between the provider's answer and its record. SQLite's own checkpoint (copying the
WAL into the file, with an fsync) comes every 1000 commits, about 500 letters, and took up to
15 ms on this machine under load: a pause of the loop, after the commit that caused it.

It holds ids only (outbox id, reference, provider, the provider's message id, time), never
personal data. An entry goes once its letter's bookkeeping is committed, and the sweep
removes any whose outbox row is gone (a worker killed between the two). Entries are matched
on id and reference together: outbox ids are never reused (migration 0007), but a ledger left
beside a database restored from a backup would meet ids again, and a stale entry must never
pass a new e-mail off as sent. Losing the file can cause duplicates, never a lost letter.

On PostgreSQL the outbox row gets the acceptance too (every worker on every machine reads
it), but that write takes round trips through a busy event loop, milliseconds that a kill
can fall into; the local file closes that gap for a worker killed and restarted on the same
machine, which is how a process supervisor restarts one.
"""

import hashlib
import os
import sqlite3
import tempfile
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import structlog
from sqlalchemy.engine import URL

from app.db.database import set_wal

# On the loop's thread, so short: another worker's commit holds the lock for microseconds,
# and a write that still meets it fails and is retried without blocking (worker._persist).
BUSY_SECONDS = 1.0
SCHEMA = """CREATE TABLE IF NOT EXISTS acceptances (
    outbox_id INTEGER NOT NULL, reference TEXT NOT NULL, provider TEXT NOT NULL,
    message_id TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (outbox_id, reference)
) WITHOUT ROWID"""

Key = tuple[int, str]  # (outbox id, reference)
AUTO, OFF = "auto", "off"
log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Entry:
    outbox_id: int
    reference: str
    provider: str
    message_id: str
    at: datetime


class Ledger:
    def __init__(self, path: str) -> None:
        self.path = path
        self._connection: sqlite3.Connection | None = None

    @classmethod
    def for_database(cls, url: URL, where: str = AUTO) -> "Ledger | None":
        """SQLite's ledger beside its file; for PostgreSQL the file `where` names (AUTO: one
        in the temp folder named after the database, OFF: none)."""
        if url.get_backend_name() == "sqlite":
            path = url.database or ""
            return cls(f"{path}-acceptances" if path not in ("", ":memory:") else ":memory:")
        if where == OFF:
            return None
        if where != AUTO:
            return cls(where)
        try:
            return cls(str(_local_folder() / _local_name(url)))
        except OSError as error:  # no temp folder of our own: the row's record alone
            log.warning("ledger_unavailable", error_type=type(error).__name__)
            return None

    def open(self) -> None:
        self._db()

    def record(self, entry: Entry) -> None:
        """Durable against a crash of this process when it returns."""
        self._db().execute(
            "INSERT OR REPLACE INTO acceptances VALUES (?, ?, ?, ?, ?)",
            (entry.outbox_id, entry.reference, entry.provider, entry.message_id,
             entry.at.isoformat()),
        )

    def recorded(self, keys: Iterable[Key]) -> dict[Key, tuple[str, str]]:
        """(provider, provider's message id) of those of `keys` that were accepted."""
        wanted = set(keys)
        if not wanted:
            return {}
        marks = ", ".join("?" * len({i for i, _ in wanted}))
        rows = self._db().execute(
            "SELECT outbox_id, reference, provider, message_id FROM acceptances "
            f"WHERE outbox_id IN ({marks})", sorted({i for i, _ in wanted}),
        )
        return {(i, r): (p, m) for i, r, p, m in rows if (i, r) in wanted}

    def keys(self) -> list[Key]:
        return list(self._db().execute("SELECT outbox_id, reference FROM acceptances"))

    def forget(self, keys: Iterable[Key]) -> None:
        """Drop these entries (their bookkeeping is committed), in one commit."""
        keys = list(keys)
        if not keys:
            return
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany("DELETE FROM acceptances WHERE outbox_id = ? AND reference = ?", keys)
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _db(self) -> sqlite3.Connection:
        if self._connection is None:
            connection = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)
            with closing(connection.cursor()) as cursor:
                set_wal(cursor)
                cursor.execute("PRAGMA synchronous=NORMAL")
                cursor.execute(SCHEMA)
            self._connection = connection
        return self._connection


def _local_folder() -> Path:
    """This user's own folder in the temp folder: nobody else may put a ledger there (one
    that lists acceptances would stop letters from going)."""
    folder = Path(tempfile.gettempdir()) / f"letters-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    if folder.is_symlink() or folder.stat().st_uid != os.getuid():
        raise PermissionError(f"{folder} is not this user's own folder")
    return folder


def _local_name(url: URL) -> str:
    """One file per database, the same for every worker of it on this machine."""
    named = f"{url.host}:{url.port}/{url.database}".encode()
    return f"acceptances-{hashlib.sha256(named).hexdigest()[:16]}.db"
