"""`python -m app worker` as a real child process, for the crash tests and the benchmark."""

import os
import subprocess
import sys
from pathlib import Path

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
