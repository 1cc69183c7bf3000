"""Over HTTP: start-up, resident memory, and compose throughput against /healthz (wrk).

Resident memory (VmRSS, MiB) four times: of a process that has only imported what
`serve` imports; of the server once healthy and warmed by 20 composes ("after load":
directory, gazetteer, time-zone polygons, database, templates all loaded); of the same
server after the wrk runs; and after 10 PDFs in five languages, with beside it the
resident memory of its child processes (the printing process, app/letters/printer.py, and
multiprocessing's resource tracker), which the PDFs started.

Start-up to healthy twice: on the default database (`letters.db`, already at the newest
schema, as at every start but the first) and on a new one, where the migrations run first.

Compose against /healthz in one run, alternating: ROUNDS rounds on the same server, each a
short wrk run of /healthz and one of compose (2 s each, 32 connections; the order swapped
every other round, so a drift in the machine's load falls on both alike). One 8-second run of
each, one after the other, gave ratios from 0.45 to 0.67 on this shared host while the
instructions per request (bench_instructions.py) held steady: whatever else ran during one
of the two runs moved the ratio. Each endpoint's req/s is the
median of its rounds' (a round the host's load hit is outvoted), `compose_vs_healthz` the
ratio of those medians, and the per-round ratios' lowest and highest are printed beside it
(`compose_vs_healthz_min`, `_max`) as the measure of how noisy the run was. p50 and p99 are
the medians of the rounds' own, non-2xx the sum over the rounds.

wrk comes from Debian's packages; this installs it when missing (as root, like CI).
Rate limits are lifted for the run: the bench measures the service, not its limiter.
"""

import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx

from bench.server import ROOT, Server, rss_mib, serve

CONNECTIONS, THREADS, SECONDS, ROUNDS = 32, 2, 2, 5
COMPOSE = {"campaign_id": "navalny-appeal", "language": "en",
           "sender": {"name": "Jane Doe", "city": "Basel", "country": "CH"}}
UNLIMITED = {"LETTERS_RATE_LIMIT_COMPOSE": "100000000/minute",
             "LETTERS_RATE_LIMIT_SEND": "100000000/minute",
             "LETTERS_WORKER_IN_PROCESS": "false"}


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    subprocess.run("apt-get update -qq && apt-get install -y -qq wrk", shell=True, check=True,
                   stdout=subprocess.DEVNULL)
    return shutil.which("wrk") or "wrk"


def _wrk(wrk: str, url: str, script: Path | None = None) -> dict[str, float]:
    args = [wrk, f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency"]
    if script:
        args += ["-s", str(script)]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
            "p50_ms": _percentile(out, "50%"), "p99_ms": _percentile(out, "99%"),
            "non_2xx": float(m.group(1)) if (m := re.search(r"Non-2xx.*?:\s+(\d+)", out)) else 0}


def alternated(wrk: str, url: str, script: Path) -> dict[str, float]:
    """/healthz and compose in ROUNDS alternating short runs on one server (module docstring)."""
    health, compose = [], []
    for n in range(ROUNDS):
        order = ((health, f"{url}/healthz", None),
                 (compose, f"{url}/v1/letters/compose", script))
        for runs, target, lua in order if n % 2 == 0 else order[::-1]:
            runs.append(_wrk(wrk, target, lua))
    ratios = [c["rps"] / h["rps"] for h, c in zip(health, compose, strict=True)]
    healthz, composed = _medians(health), _medians(compose)
    return {
        "healthz_rps": healthz["rps"], "healthz_p50_ms": healthz["p50_ms"],
        "healthz_p99_ms": healthz["p99_ms"],
        "compose_rps": composed["rps"], "compose_p50_ms": composed["p50_ms"],
        "compose_p99_ms": composed["p99_ms"],
        "compose_non_2xx": sum(c["non_2xx"] for c in compose),
        "compose_vs_healthz": composed["rps"] / healthz["rps"],
        "compose_vs_healthz_min": min(ratios), "compose_vs_healthz_max": max(ratios),
    }


def _medians(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(run[key] for run in runs) for key in ("rps", "p50_ms", "p99_ms")}


def _percentile(out: str, label: str) -> float:
    value, unit = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _compose_script(folder: Path) -> Path:
    body = json.dumps(COMPOSE).replace("\\", "\\\\").replace('"', '\\"')
    script = folder / "compose.lua"
    script.write_text('wrk.method = "POST"\n'
                      'wrk.headers["Content-Type"] = "application/json"\n'
                      f'wrk.body = "{body}"\n')
    return script


# What `python -m app serve` imports before it loads anything.
IMPORTS = ("from app.memory import keep_large_blocks_out_of_the_heap, leave_out_unused\n"
           "keep_large_blocks_out_of_the_heap(); leave_out_unused()\n"
           "import uvicorn, app.logs, app.main, app.settings\n"
           "from bench.server import rss_mib\n"
           "print(rss_mib())")


def rss_after_import() -> float:
    out = subprocess.run([sys.executable, "-c", IMPORTS], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    return float(out)


def _warm(server: Server) -> None:
    with httpx.Client(base_url=server.url) as client:
        for _ in range(20):
            client.post("/v1/letters/compose", json=COMPOSE).raise_for_status()


def _children_rss(pid: int) -> float:
    """Resident MiB of the processes whose parent is `pid`."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(") ", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        if int(fields[1]) == pid:
            total += rss_mib(stat.parent.name)
    return total


def _print_pdfs(server: Server, count: int = 10) -> tuple[float, float]:
    """(server RSS, its children's RSS) after `count` PDFs."""
    with httpx.Client(base_url=server.url, timeout=60) as client:
        for n in range(count):
            body = {**COMPOSE, "language": ("en", "ru", "de", "fr", "es")[n % 5]}
            client.post("/v1/letters/pdf", json=body).raise_for_status()
    return server.rss_mb(), _children_rss(server.pid)


def startup_on_a_new_database() -> float:
    """Seconds to healthy for a first start: the schema is made by the migrations first."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/letters.db"
        with serve({**UNLIMITED, "LETTERS_DATABASE_URL": url}) as server:
            return server.startup_s


def run() -> dict[str, float]:
    wrk = ensure_wrk()
    with serve(UNLIMITED) as server, tempfile.TemporaryDirectory() as tmp:
        _warm(server)
        rss = server.rss_mb()
        throughput = alternated(wrk, server.url, _compose_script(Path(tmp)))
        rss_loaded = server.rss_mb()
        rss_printed, printing = _print_pdfs(server)
    return {
        "startup_to_healthy_s": server.startup_s,
        "startup_new_database_s": startup_on_a_new_database(),
        "rss_after_import_mb": rss_after_import(),
        "rss_after_load_mb": rss, "rss_after_load_test_mb": rss_loaded,
        "rss_after_pdfs_mb": rss_printed, "printing_rss_mb": printing,
        **throughput,
    }


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name:28} {value:12.3f}")
