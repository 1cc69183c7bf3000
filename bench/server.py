"""A real `python -m app serve` on a free loopback port, for the benchmarks that need HTTP."""

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True, slots=True)
class Server:
    url: str
    pid: int
    startup_s: float  # process start until /healthz answers 200

    def rss_mb(self) -> float:
        return rss_mib(self.pid)


def rss_mib(pid: int | str = "self") -> float:
    """Resident memory of a process in MiB (VmRSS, which Linux gives in KiB)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def serve(
    env: Mapping[str, str] | None = None, timeout_s: float = 30.0, wrapper: Sequence[str] = ()
) -> Iterator[Server]:
    """Start the service as a user would, wait until healthy, stop it afterwards.

    `wrapper` goes before the command (valgrind): the server's pid stays the process's.
    """
    port = free_port()
    full_env = {**os.environ, **(env or {})}
    start = time.perf_counter()
    proc = subprocess.Popen(
        [*wrapper, sys.executable, "-m", "app", "serve", "--host", "127.0.0.1",
         "--port", str(port)],
        cwd=ROOT, env=full_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        startup = _wait_healthy(url, proc, start, timeout_s)
        yield Server(url, proc.pid, startup)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            proc.kill()


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], start: float, timeout_s: float) -> float:
    while time.perf_counter() - start < timeout_s:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}")
        if _healthz(url) == 200:
            return time.perf_counter() - start
        time.sleep(0.01)
    raise RuntimeError("the server did not become healthy in time")


def _healthz(url: str) -> int | None:
    """One GET /healthz over a plain connection: `httpx.get` makes a client, and with it a
    TLS context (~30 ms of CPU), per call, which every 10 ms took a core from the server
    being timed."""
    host, port = url.removeprefix("http://").rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=1.0)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status
    except OSError:  # refused while it starts, or reset
        return None
    finally:
        connection.close()
