"""The one table `make bench` prints: each figure with its unit, the target the issues set,
and whether this run met it; as plain text for the terminal or Markdown for RESULTS.md.

The bench modules return plain `{name: value}` dicts; what a figure is measured in and what
it should reach is said once, here.
"""

import operator
import os
import platform
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from app import native

SYMBOLS = {"<=": "≤", "<": "<", ">=": "≥", "==": "="}


@dataclass(frozen=True, slots=True)
class Target:
    sign: str  # "<=", "<", ">=", "=="
    bound: float

    def met(self, value: float) -> bool:
        compare: Callable[[float, float], bool] = {
            "<=": operator.le, "<": operator.lt, ">=": operator.ge, "==": operator.eq,
        }[self.sign]
        return compare(value, self.bound)

    def __str__(self) -> str:
        return f"{SYMBOLS[self.sign]} {self.bound:g}"


@dataclass(frozen=True, slots=True)
class Spec:
    label: str
    unit: str
    target: Target | None = None


@dataclass(frozen=True, slots=True)
class Row:
    name: str
    value: float
    unit: str
    target: Target | None

    @property
    def verdict(self) -> str:
        if self.target is None:
            return "–"
        return "yes" if self.target.met(self.value) else "NO"


LE, LT, GE, EQ = ("<=", "<", ">=", "==")
SPECS: dict[str, Spec] = {
    # issue 3: lookups
    "lookup_point_us": Spec("lookup from coordinates", "µs", Target(LE, 20)),
    "lookup_point_linear_us": Spec("lookup from coordinates, linear scan", "µs"),
    "lookup_point_speedup": Spec("lookup from coordinates, speed-up over the scan", "×"),
    "lookup_place_us": Spec("lookup from a place name", "µs", Target(LE, 100)),
    "lookup_place_linear_us": Spec("lookup from a place name, linear scan", "µs"),
    "lookup_place_speedup": Spec("lookup from a place name, speed-up over the scan", "×"),
    "gazetteer_cities": Spec("gazetteer cities", "cities"),
    # compose in-process
    "compose_us": Spec("compose in-process", "µs", Target(LE, 150)),
    "compose_latin_us": Spec("compose in-process, Latin-script languages", "µs"),
    # over HTTP (wrk, 32 connections; req/s and latencies the medians of alternating rounds)
    "startup_to_healthy_s": Spec("start-up to healthy", "s", Target(LT, 2)),
    "startup_new_database_s": Spec("start-up to healthy, first start (new database)", "s"),
    "rss_after_import_mb": Spec("RSS after the imports of serve", "MiB"),
    # The "150 MB": 143 MiB, so the figure meets it read either way.
    "rss_after_load_mb": Spec("RSS after load", "MiB", Target(LT, 143)),
    "rss_after_load_test_mb": Spec("RSS after the HTTP load test", "MiB"),
    "rss_after_pdfs_mb": Spec("RSS after 10 PDFs", "MiB", Target(LT, 143)),
    "printing_rss_mb": Spec("RSS of the printing process and resource tracker", "MiB"),
    "healthz_rps": Spec("HTTP /healthz", "req/s"),
    "healthz_p50_ms": Spec("HTTP /healthz p50", "ms"),
    "healthz_p99_ms": Spec("HTTP /healthz p99", "ms"),
    "compose_rps": Spec("HTTP compose", "req/s"),
    "compose_p50_ms": Spec("HTTP compose p50", "ms"),
    "compose_p99_ms": Spec("HTTP compose p99", "ms"),
    "compose_non_2xx": Spec("HTTP compose non-2xx answers", "answers", Target(EQ, 0)),
    "compose_vs_healthz": Spec("HTTP compose / healthz", "ratio", Target(GE, 0.6)),
    # the spread of that ratio over bench_http's alternating rounds: how noisy the run was
    "compose_vs_healthz_min": Spec("HTTP compose / healthz, lowest round", "ratio"),
    "compose_vs_healthz_max": Spec("HTTP compose / healthz, highest round", "ratio"),
    # the same two requests counted in instructions (callgrind): steady on a shared machine
    "healthz_instructions": Spec("instructions per /healthz request", "instructions"),
    "compose_instructions": Spec("instructions per compose request", "instructions"),
    "compose_vs_healthz_instructions": Spec("compose / healthz by instructions", "ratio"),
    # bench_scale: 2 APIs + 2 workers, PostgreSQL and Redis
    "scale_rate_limit_admitted": Spec("scale: composes admitted over 2 APIs (limit 50/minute)",
                                      "requests", Target(EQ, 50)),
    "scale_rate_limit_refused": Spec("scale: composes refused with 429", "requests"),
    "scale_1_worker_letters_s": Spec("scale: delivery, 1 worker, Postmark fake 50 ms",
                                     "letters/s", Target(GE, 200)),
    "scale_2_workers_letters_s": Spec("scale: delivery, 2 workers, Postmark fake 50 ms",
                                      "letters/s"),
    "scale_2_vs_1_workers": Spec("scale: 2 workers / 1 worker", "ratio"),
    "scale_1_worker_cpu_ms": Spec("scale: worker CPU per letter, 1 worker", "ms"),
    "scale_2_workers_cpu_ms": Spec("scale: worker CPU per letter, 2 workers", "ms"),
    "scale_letters_lost": Spec("scale: letters never delivered", "letters", Target(EQ, 0)),
    "scale_letters_duplicated": Spec("scale: letters delivered more than once", "letters",
                                     Target(EQ, 0)),
}
# A figure without a Spec (a bench added later): its unit is read off the end of its name.
SUFFIXES = {" letters/s": "letters/s", " cpu ms/letter": "CPU ms/letter", " µs": "µs",
            "_us": "µs", "_ms": "ms", "_s": "s", "_mb": "MiB", "_rps": "req/s"}
# Targets of figures whose names carry a variable part (database, concurrency).
TARGETS = [
    (re.compile(r"^delivery http-50ms .* letters/s$"), Target(GE, 200)),  # one worker
    (re.compile(r"^crash\b.*\b(lost|duplicated)\b"), Target(EQ, 0)),
]


def rows(figures: Mapping[str, float]) -> list[Row]:
    out = []
    for name, value in figures.items():
        spec = SPECS.get(name) or _guess(name)
        out.append(Row(spec.label, value, spec.unit, spec.target))
    return out


def _guess(name: str) -> Spec:
    target = next((t for pattern, t in TARGETS if pattern.search(name)), None)
    for suffix, unit in SUFFIXES.items():
        if name.endswith(suffix):
            return Spec(name.removesuffix(suffix), unit, target)
    return Spec(name, "", target)


def _number(value: float) -> str:
    if value == int(value) and abs(value) < 1e9:
        return str(int(value))
    digits = 3 - len(str(int(abs(value)))) if abs(value) >= 1 else 3
    return f"{value:.{max(digits, 0)}f}"


HEAD = ("figure", "value", "unit", "target", "met")


def _cells(row: Row) -> tuple[str, ...]:
    return (row.name, _number(row.value), row.unit, str(row.target or "–"), row.verdict)


def text_table(table: list[Row]) -> str:
    lines = [HEAD, *(_cells(r) for r in table)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(HEAD))]
    return "\n".join(
        "  ".join(c.rjust(w) if i in (1, 3) else c.ljust(w) for i, (c, w) in
                  enumerate(zip(line, widths, strict=True))).rstrip()
        for line in lines
    )


def markdown_table(table: list[Row]) -> str:
    lines = ["| " + " | ".join(HEAD) + " |", "| --- | ---: | --- | ---: | --- |"]
    lines += ["| " + " | ".join(_cells(r)) + " |" for r in table]
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class Machine:
    cpu: str
    cores: int
    ram_gib: float
    python: str
    load: tuple[float, float, float]

    @classmethod
    def now(cls) -> "Machine":
        return cls(_cpu_model(), os.cpu_count() or 0, _ram_gib(),
                   f"{platform.python_implementation()} {sys.version.split()[0]} "
                   f"({_compiled()})", os.getloadavg())

    def __str__(self) -> str:
        load = ", ".join(f"{x:.2f}" for x in self.load)
        return (f"{self.cpu}, {self.cores} cores, {self.ram_gib:.1f} GiB RAM, {self.python}, "
                f"load average {load} (1, 5, 15 min) at start")


def _compiled() -> str:
    if native.active():
        return f"{len(native.MODULES)} modules compiled by mypyc: app/native.py"
    return "the modules of app/native.py run as Python: no current build/native"


def _cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    return platform.processor() or platform.machine()


def _ram_gib() -> float:
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    return 0.0
