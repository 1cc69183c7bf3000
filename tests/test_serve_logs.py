"""`python -m app serve` on loopback, a full run (compose, send, confirm, delivery by the
in-process worker to the console outbox): JSON lines only, none carrying what a person sent."""

import email
import email.message
import email.policy
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_for_emails(outbox: Path, count: int) -> list[Path]:
    deadline = time.monotonic() + 60  # the in-process worker polls; the machine may be busy
    while time.monotonic() < deadline:
        found = sorted(outbox.glob("*.eml"), key=lambda p: p.stat().st_mtime)
        if len(found) >= count:
            return found
        time.sleep(0.2)
    raise AssertionError(f"fewer than {count} e-mails in {outbox}")


def confirmation_token(eml: Path) -> str:
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert isinstance(message, email.message.EmailMessage)
    body = message.get_body(("plain",))
    assert body is not None
    found = re.search(r"/v1/letters/confirm\?token=([A-Za-z0-9_-]+)", body.get_content())
    assert found
    return found.group(1)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LETTERS_")}
    env["LETTERS_DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'letters.db'}"
    env["LETTERS_CONSOLE_OUTBOX"] = str(tmp_path / "outbox")
    command = [sys.executable, "-m", "app", "serve", "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(
        command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60  # loading the gazetteer takes a few seconds
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.2)
    try:
        yield base, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=30)


def test_a_run_logs_json_lines_without_names_places_or_queries(
    server: tuple[str, subprocess.Popen[str]], tmp_path: Path
) -> None:
    base, process = server
    sender = {"name": "Jane Doe", "email": "jane@example.org", "city": "Basel", "country": "CH"}
    letter = {"campaign_id": "navalny-appeal", "sender": sender, "personal_note": "Free them"}
    with httpx.Client(base_url=base, timeout=30) as c:
        assert c.get("/v1/embassies/nearest", params={"q": "Basel"}).status_code == 200
        composed = c.post("/v1/letters/compose", json=letter)
        assert composed.status_code == 200
        assert c.post("/v1/letters/compose", json={**letter, "variant": -1}).status_code == 422
        sent = c.post("/v1/letters", json={**letter, "consent": True})
        assert sent.status_code == 202, sent.text
        (confirmation,) = wait_for_emails(tmp_path / "outbox", 1)
        token = confirmation_token(confirmation)
        assert c.get("/v1/letters/confirm", params={"token": token}).status_code == 200
        wait_for_emails(tmp_path / "outbox", 2)  # the letter itself, to the embassy
        assert c.get("/healthz", headers={"X-Request-ID": "probe-12345678"}).status_code == 200
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=30)

    lines = [json.loads(line) for line in out.splitlines() if line.strip()]  # JSON, every one
    routes = [e["route"] for e in lines if e["event"] == "http_request"]
    assert routes[-6:] == [
        "/v1/embassies/nearest",
        "/v1/letters/compose",
        "/v1/letters/compose",
        "/v1/letters",
        "/v1/letters/confirm",
        "/healthz",
    ]
    assert [e for e in lines if e["event"] == "http_request"][-1]["request_id"] == "probe-12345678"
    assert any(e["event"] == "console_email_written" for e in lines)
    secrets = ("Basel", "Jane", "jane@example.org", "Free them", "q=", "HTTP/1.1", token)
    sentences = [line for line in composed.json()["body"].splitlines() if len(line) > 30]
    assert sentences
    for secret in (*secrets, *sentences, composed.json()["subject"]):
        assert secret not in out, secret
    # The only address in the log is the server's own, as it starts.
    assert [e["event"] for e in lines if "127.0.0.1" in json.dumps(e)] == [
        f"Uvicorn running on {base} (Press CTRL+C to quit)"
    ]


def test_a_database_out_of_reach_stops_serve_with_one_json_line() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LETTERS_")}
    env["LETTERS_DATABASE_URL"] = "postgresql+asyncpg://letters_user:s3cret@127.0.0.1:1/letters"
    done = subprocess.run([sys.executable, "-m", "app", "serve", "--port", str(free_port())],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    lines = [json.loads(line) for line in (done.stdout + done.stderr).splitlines()]
    assert [line["event"] for line in lines] == ["schema_upgrade_failed"]
    assert lines[0]["error_type"] == "ConnectionRefusedError"
    assert "s3cret" not in done.stderr and "letters_user" not in done.stderr
