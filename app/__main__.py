"""Command line: `python -m app serve | migrate | worker | compose | partners |
embassies check | build | health`."""

import argparse
import asyncio
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path


def _serve(args: argparse.Namespace) -> int:
    from app.memory import collect_rarely_while_loading, keep_large_blocks_out_of_the_heap

    keep_large_blocks_out_of_the_heap()  # before anything is loaded: see app/memory.py
    collect_rarely_while_loading()  # until the app has loaded (app/main.py)
    import uvicorn

    from app import logs
    from app.db.migrate import upgraded_before_start
    from app.main import create_app
    from app.settings import Settings

    settings = Settings()
    logs.configure(settings.log_level, settings.log_format)
    if not upgraded_before_start(settings.database_url):
        return 1
    uvicorn.run(
        create_app(settings),
        host=args.host,
        port=args.port,
        # ops: our JSON logs only. Uvicorn's access log would print query strings (?q=Basel)
        # and client addresses; X-Forwarded-For is the app's to judge (LETTERS_TRUSTED_PROXIES).
        log_config=None,
        access_log=False,
        proxy_headers=False,
        server_header=False,
        ws="none",
    )
    return 0


def _migrate(_: argparse.Namespace) -> int:
    from app.db.database import Database
    from app.db.migrate import migrate
    from app.settings import Settings

    async def run() -> None:
        database = Database.connect(Settings().database_url)
        try:
            await migrate(database)
        finally:
            await database.dispose()

    asyncio.run(run())
    return 0


def _embassies_check(args: argparse.Namespace) -> int:
    from app.directory.check import check
    from app.directory.freshness import Freshness
    from app.settings import Settings

    settings = Settings()
    overrides = args.overrides or settings.directory_overrides
    freshness = Freshness(date.today(), settings.email_dated_after_years)
    report = check(args.file or settings.directory_path, overrides, freshness=freshness)
    print(report.format(full=args.report))
    from app.delivery.cli import bounce_report

    for line in bounce_report(settings):  # bounces the platform saw, when it has a database
        print(line)
    return 1 if report.errors else 0


def _embassies_build(args: argparse.Namespace) -> int:
    from app.directory.build import main as build_main

    return build_main([str(args.missions)] if args.missions else [])


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="python -m app",
        description="Embassy letters: find the right Russian embassy and write to it.",
    )
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="start the API (settings from LETTERS_* variables)")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to bind (default 8000)")
    serve.set_defaults(run=_serve)

    migrate = commands.add_parser(
        "migrate", help="bring the database schema up to date (serve and worker do it too)"
    )
    migrate.set_defaults(run=_migrate)

    embassies = commands.add_parser("embassies", help="the embassy directory")
    sub = embassies.add_subparsers(dest="action", required=True, metavar="ACTION")
    check = sub.add_parser("check", help="validate the directory and print its gaps")
    check.add_argument("--file", type=Path, help="directory file (default: the shipped one)")
    check.add_argument(
        "--overrides",
        type=Path,
        help="an overrides file to validate with it (default LETTERS_DIRECTORY_OVERRIDES)",
    )
    check.add_argument(
        "--report",
        action="store_true",
        help="print the coverage table: every country, what is known and missing",
    )
    check.set_defaults(run=_embassies_check)
    build = sub.add_parser("build", help="regenerate data/embassies.json from the researched facts")
    build.add_argument("--missions", type=Path, help="folder of researched mission records")
    build.set_defaults(run=_embassies_build)
    from app.delivery.cli import add_health_parser

    add_health_parser(sub)

    from app.delivery.cli import add_parser as add_worker
    from app.letters.cli import add_parser as add_compose

    add_compose(commands)
    add_worker(commands)
    from app.partners.cli import add_parser as add_partners

    add_partners(commands)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    from pydantic import ValidationError

    from app.errors import AppError

    args = parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except AppError as exc:
        fields = "".join(f"\n  {e.field}: {e.message}" for e in exc.errors)
        print(f"error: {exc.detail}{fields}", file=sys.stderr)
        return 2
    except ValidationError as exc:
        for error in exc.errors():
            where = ".".join(str(p) for p in error["loc"])
            print(f"error: {where}: {error['msg']}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":
    from app.memory import leave_out_unused

    # The process only, before anything imports structlog or httpx (see app/memory.py); not
    # in main(), which the tests call in their own process, where numpy and rich are used.
    leave_out_unused()
    sys.exit(main())
