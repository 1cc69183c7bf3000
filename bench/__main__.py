"""`make bench`: every benchmark, one table of figures with their units and targets.

    python -m bench                            # every group
    python -m bench lookup compose             # a subset, in the order given
    python -m bench --write bench/RESULTS.md   # also that table as Markdown, with the machine

This machine may be shared: quote ratios measured in one run, with the load printed.
"""

import argparse
import functools
import shlex
import sys
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from app.logs import configure
from app.services import Services
from app.settings import Settings
from bench import (
    bench_compose,
    bench_crash,
    bench_delivery,
    bench_http,
    bench_instructions,
    bench_lookup,
    bench_partners,
    bench_scale,
)
from bench.report import Machine, Row, markdown_table, rows, text_table
from bench.server import ROOT


@functools.cache
def _services() -> Services:
    return Services.load(Settings())


GROUPS: dict[str, Callable[[], dict[str, float]]] = {
    "lookup": lambda: bench_lookup.run(_services()),
    "compose": lambda: bench_compose.run(_services()),
    "http": bench_http.run,
    "instructions": bench_instructions.run,
    "delivery": lambda: bench_delivery.run(letters=300, concurrency=32),
    "crash": lambda: bench_crash.run(letters=500, kills=5, concurrency=32),
    "partners": bench_partners.run,
    "scale": bench_scale.run,
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__.splitlines()[0],
        epilog=f"groups: {', '.join(GROUPS)}")
    parser.add_argument("groups", nargs="*", metavar="GROUP",
                        help="which benchmarks to run (default: all)")
    parser.add_argument("--write", type=Path, metavar="FILE",
                        help="write the table as Markdown with date, machine and command")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = _parser()
    args = parser.parse_args(argv)
    unknown = [g for g in args.groups if g not in GROUPS]
    if unknown:  # argparse's choices cannot be combined with an empty nargs="*" default
        parser.error(f"unknown group {', '.join(unknown)} (choose from {', '.join(GROUPS)})")
    groups = args.groups or list(GROUPS)
    machine, started = Machine.now(), datetime.now(UTC)
    print(f"# {started:%Y-%m-%d %H:%M} UTC; {machine}", flush=True)
    table: list[Row] = []
    failed = []
    clock = time.perf_counter()
    for group in groups:
        print(f"# {group} ...", file=sys.stderr, flush=True)
        try:
            table += rows(GROUPS[group]())
        except Exception:  # report the others' figures, then fail
            traceback.print_exc()
            failed.append(group)
    print(text_table(table))
    if failed:
        print(f"# FAILED: {', '.join(failed)}", file=sys.stderr)
        return 1
    if args.write:
        args.write.write_text(_markdown(table, machine, started, _command(argv),
                                        time.perf_counter() - clock))
        print(f"# wrote {args.write}")
    return 0


def _command(argv: list[str]) -> str:
    python = Path(sys.executable)
    if python.is_relative_to(ROOT):
        python = python.relative_to(ROOT)
    return shlex.join([str(python), "-m", "bench", *argv])


def _markdown(table: list[Row], machine: Machine, started: datetime, command: str,
              seconds: float) -> str:
    return (
        "# Benchmark results\n\n"
        "Written by `bench/__main__.py` (`make bench-results`); rerun it rather than edit.\n\n"
        f"- date: {started:%Y-%m-%d %H:%M} UTC (the run took {seconds:.0f} s)\n"
        f"- machine: {machine}\n"
        f"- command: `{command}` (from the repository root)\n\n"
        "The machine may be shared: absolute figures move with its load; ratios measured in\n"
        "the same run (compose / healthz, 2 workers / 1 worker) are steadier.\n\n"
        f"{markdown_table(table)}\n"
    )


if __name__ == "__main__":
    configure("warning")  # a log line per e-mail would measure the terminal
    sys.exit(main())
