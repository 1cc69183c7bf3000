"""`python -m app serve` on loopback: JSON lines only, and none carries what a person sent."""

import json
import os
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
    server: tuple[str, subprocess.Popen[str]],
) -> None:
    base, process = server
    sender = {"name": "Jane Doe", "email": "jane@example.org", "city": "Basel", "country": "CH"}
    letter = {"campaign_id": "navalny-appeal", "sender": sender, "personal_note": "Free them"}
    with httpx.Client(base_url=base) as c:
        assert c.get("/v1/embassies/nearest", params={"q": "Basel"}).status_code == 200
        assert c.post("/v1/letters/compose", json=letter).status_code == 200
        assert c.post("/v1/letters/compose", json={**letter, "variant": -1}).status_code == 422
        assert c.get("/healthz", headers={"X-Request-ID": "probe-12345678"}).status_code == 200
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=30)

    lines = [json.loads(line) for line in out.splitlines() if line.strip()]  # JSON, every one
    access = [e for e in lines if e["event"] == "http_request"]
    routes = [e["route"] for e in access]
    assert routes[-4:] == [
        "/v1/embassies/nearest",
        "/v1/letters/compose",
        "/v1/letters/compose",
        "/healthz",
    ]
    assert access[-1]["request_id"] == "probe-12345678"
    for secret in ("Basel", "Jane", "jane@example.org", "Free them", "q=", "HTTP/1.1"):
        assert secret not in out, secret
    # The only address in the log is the server's own, as it starts.
    assert [e["event"] for e in lines if "127.0.0.1" in json.dumps(e)] == [
        f"Uvicorn running on {base} (Press CTRL+C to quit)"
    ]
