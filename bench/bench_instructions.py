"""Instructions per request through a real server (callgrind): compose against /healthz.

bench_http's req/s ratio moves with whatever else the machine runs; the instructions the
server spends on one request do not, so this is the figure to compare a change by. The
server runs under valgrind (from Debian's packages, installed when missing like wrk),
instrumented only around the measured requests; each is sent alone on a kept-alive
connection. Instructions are not time: compose's larger working set runs at a lower
instruction rate, so the req/s ratio sits below this one.
"""

import json
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

import httpx

from bench.bench_http import COMPOSE, UNLIMITED
from bench.server import Server, serve

REQUESTS, WARM = 200, 30


def ensure_valgrind() -> None:
    if not shutil.which("valgrind"):
        subprocess.run("apt-get update -qq && apt-get install -y -qq valgrind", shell=True,
                       check=True, stdout=subprocess.DEVNULL)


def _control(server: Server, *args: str) -> None:
    subprocess.run(["callgrind_control", *args, str(server.pid)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _per_request(server: Server, folder: Path, send: Callable[[], None]) -> float:
    """Instructions the server spent per request, over REQUESTS of them."""
    for _ in range(WARM):
        send()
    before = set(folder.iterdir())
    _control(server, "--zero")
    _control(server, "--instr=on")
    for _ in range(REQUESTS):
        send()
    _control(server, "--dump")
    _control(server, "--instr=off")
    (dump,) = set(folder.iterdir()) - before
    totals = next(line for line in dump.read_text().splitlines() if line.startswith("totals:"))
    return int(totals.split()[1]) / REQUESTS


def run() -> dict[str, float]:
    ensure_valgrind()
    body = json.dumps(COMPOSE).encode()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        wrapper = ["valgrind", "--tool=callgrind", "--instr-atstart=no",
                   f"--callgrind-out-file={folder}/callgrind.%p"]
        with serve(UNLIMITED, timeout_s=300, wrapper=wrapper) as server, \
                httpx.Client(base_url=server.url, timeout=60) as client:

            def healthz() -> None:
                client.get("/healthz").raise_for_status()

            def compose() -> None:
                client.post("/v1/letters/compose", content=body,
                            headers={"content-type": "application/json"}).raise_for_status()

            health = _per_request(server, folder, healthz)
            composed = _per_request(server, folder, compose)
    return {"healthz_instructions": health, "compose_instructions": composed,
            "compose_vs_healthz_instructions": health / composed}


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name:34} {value:14.3f}")
