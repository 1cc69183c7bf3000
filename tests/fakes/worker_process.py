"""`python -m app worker` as a real child process, for the crash tests and the benchmark."""

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from app.db.database import Database
from app.db.models import OutboxRow
from app.delivery.acceptances import Acceptances
from app.delivery.outbox import Claimed

ROOT = Path(__file__).resolve().parents[2]


def worker_env(database_url: str, smtp_port: int, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LETTERS_")}
    env.update(
        {
            "LETTERS_DATABASE_URL": database_url,
            "LETTERS_EMAIL_PROVIDER": "smtp",
            "LETTERS_SMTP_HOST": "127.0.0.1",
            "LETTERS_SMTP_PORT": str(smtp_port),
            "LETTERS_FROM_EMAIL": "letters@platform.example",
            "LETTERS_WORKER_POLL_SECONDS": "0.05",
            "LETTERS_LOG_LEVEL": "warning",
            **extra,
        }
    )
    return env


def start_worker(env: dict[str, str], log: Path) -> "subprocess.Popen[bytes]":
    """The worker, its output appended to `log` (a file: a pipe nobody reads would block)."""
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "app", "worker"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def owned_by(pid: int) -> str:
    """The LIKE pattern of the names of the worker process `pid` (worker_name())."""
    return f"%-{pid}-%"


async def held_by(database: Database, owner: str) -> list[Claimed]:
    """The outbox rows leased to `owner` (a LIKE pattern), each with the acceptance
    recorded for it (on the row, or in SQLite's ledger) if any."""
    async with database.begin() as session:
        rows = await session.execute(select(OutboxRow).where(OutboxRow.lease_owner.like(owner)))
        held = [
            Claimed(r.id, r.letter_id, r.kind, r.reference, r.secret, r.attempts,
                    r.accepted_by, r.provider_message_id)
            for r in rows.scalars()
        ]
    acceptances = Acceptances(database)
    try:
        return acceptances.recorded(held)
    finally:
        acceptances.close()
