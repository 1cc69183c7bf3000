"""A full send through `python -m app serve` (worker in-process, SMTP to a loopback relay),
every log line captured at debug level: none carries a name, an e-mail address, the letter's
text, its subject or the confirmation token."""

import json
import os
import re
import signal
import subprocess
import sys
import time
from email import message_from_bytes, policy
from pathlib import Path
from typing import IO

import httpx

from tests.fakes.smtp_relay import RelayHandler, free_port, running_relay

ROOT = Path(__file__).resolve().parent.parent
TOKEN = re.compile(r"/v1/letters/confirm\?token=([A-Za-z0-9_-]+)")
NAME, EMAIL, NOTE = "Jane Quiet-Doe", "jane.quiet@example.org", "Remember the winter of 2021"


def _wait(predicate: object, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError("gave up waiting")


def _serve(tmp_path: Path, smtp_port: int, port: int, log: IO[str]) -> "subprocess.Popen[str]":
    env = {k: v for k, v in os.environ.items() if not k.startswith("LETTERS_")}
    env |= {
        "LETTERS_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'letters.db'}",
        "LETTERS_EMAIL_PROVIDER": "smtp",
        "LETTERS_SMTP_HOST": "127.0.0.1",
        "LETTERS_SMTP_PORT": str(smtp_port),
        "LETTERS_LOG_LEVEL": "debug",
        "LETTERS_FROM_EMAIL": "letters@platform.example",
        "LETTERS_WORKER_POLL_SECONDS": "0.1",
        "PYTHONUNBUFFERED": "1",
    }
    command = [sys.executable, "-m", "app", "serve", "--host", "127.0.0.1", "--port", str(port)]
    # A file, not a pipe: nobody reads a pipe while the test runs, and a full one blocks.
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, text=True
    )


def _ready(base: str) -> bool:
    try:
        return httpx.get(f"{base}/readyz", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def test_the_logs_of_a_whole_send_carry_nothing_personal(tmp_path: Path) -> None:
    handler = RelayHandler()
    with running_relay(handler) as smtp_port:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        with (tmp_path / "serve.log").open("w") as log:
            process = _serve(tmp_path, smtp_port, port, log)
            try:
                _wait(lambda: _ready(base) or process.poll() is not None, 90)
                token, subject = _send_and_confirm(base, handler)
            finally:
                process.send_signal(signal.SIGINT)
                process.wait(timeout=60)
    out = (tmp_path / "serve.log").read_text()
    lines = [json.loads(line) for line in out.splitlines() if line.strip()]
    events = {line["event"] for line in lines}
    assert {"email_sent", "http_request"} <= events  # the send really was logged
    for secret in (
        NAME,
        "Jane",
        EMAIL,
        "example.org",
        NOTE,
        "winter",
        token,
        subject,
        "rusbotschaft",
        "bluewin",
    ):
        assert secret not in out, f"{secret!r} appears in the logs"


def _send_and_confirm(base: str, handler: RelayHandler) -> tuple[str, str]:
    sender = {"name": NAME, "email": EMAIL, "city": "Basel", "country": "CH"}
    body = {
        "campaign_id": "navalny-appeal",
        "sender": sender,
        "personal_note": NOTE,
        "consent": True,
        "cc_sender": True,
    }
    with httpx.Client(base_url=base, timeout=30) as client:
        assert client.post("/v1/letters", json={**body, "consent": False}).status_code == 422
        created = client.post("/v1/letters", json=body)
        assert created.status_code == 202, created.text
        _wait(lambda: len(handler.messages) >= 1)
        mail = message_from_bytes(handler.messages[0].content, policy=policy.default)
        found = TOKEN.search(mail.get_body(("plain",)).get_content())  # type: ignore[union-attr]
        assert found is not None
        assert (
            client.get("/v1/letters/confirm", params={"token": found.group(1)}).status_code == 200
        )
        _wait(lambda: len(handler.messages) >= 2)
        letter = message_from_bytes(handler.messages[1].content, policy=policy.default)
        letter_id = created.json()["id"]
        _wait(lambda: client.get(f"/v1/letters/{letter_id}").json()["status"] == "sent")
        assert client.delete(f"/v1/letters/{letter_id}").status_code == 204
    return found.group(1), str(letter["Subject"])
