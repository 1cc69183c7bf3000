"""`python -m app partners add | list | revoke`: the operator's side of partner keys."""

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from app.db.database import Database
from app.db.migrate import migrate
from app.errors import NotFound, Unprocessable
from app.partners import store
from app.partners.limit_spec import check_rate_limit
from app.partners.models import PartnerRow
from app.partners.origins import normalize_origins
from app.settings import Settings

NAME_MAX = 200


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    partners = commands.add_parser("partners", help="partner NGOs: API keys and origins")
    sub = partners.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = sub.add_parser("add", help="add a partner and print its new API key (once)")
    add.add_argument("--name", required=True, help="the partner's name, e.g. an NGO")
    add.add_argument(
        "--origin",
        action="append",
        required=True,
        help="a web origin its pages are served from, e.g. https://ngo.example (repeatable)",
    )
    add.add_argument(
        "--rate-limit",
        help="requests per key, e.g. 600/minute (default: LETTERS_RATE_LIMIT_PARTNER)",
    )
    add.set_defaults(run=lambda a: _run(_add, a))
    listing = sub.add_parser("list", help="list partners (never their keys)")
    listing.set_defaults(run=lambda a: _run(_list, a))
    revoke = sub.add_parser("revoke", help="revoke a key: it stops working within seconds")
    revoke.add_argument("key_id", metavar="KEY_ID", help="the key id `partners list` shows")
    revoke.set_defaults(run=lambda a: _run(_revoke, a))


Command = Callable[[Database, Settings, argparse.Namespace], Awaitable[int]]


def _run(command: Command, args: argparse.Namespace) -> int:
    settings = Settings()

    async def run() -> int:
        database = Database.connect(settings.database_url)
        try:
            await migrate(database)
            return await command(database, settings, args)
        finally:
            await database.dispose()

    return asyncio.run(run())


async def _add(database: Database, settings: Settings, args: argparse.Namespace) -> int:
    name = args.name.strip()
    if not name or len(name) > NAME_MAX:
        raise Unprocessable.for_field("name", f"Give a name of 1 to {NAME_MAX} characters.")
    try:
        origins = normalize_origins(args.origin)
    except ValueError as exc:
        raise Unprocessable.for_field("origin", str(exc)) from None
    try:
        rate_limit = check_rate_limit(args.rate_limit) if args.rate_limit else None
    except ValueError as exc:
        raise Unprocessable.for_field("rate-limit", str(exc)) from None
    async with database.begin() as session:
        new = await store.add(
            session,
            name=name,
            origins=origins,
            rate_limit=rate_limit,
            secret=settings.key_secret.get_secret_value().encode(),
            now=datetime.now(UTC),
        )
    print(_describe(new.row, settings))
    print(f"api key:    {new.key}")
    print("This key is shown only now: it is stored as a digest and cannot be shown again.")
    return 0


async def _list(database: Database, settings: Settings, _: argparse.Namespace) -> int:
    async with database.sessions() as session:
        rows = await store.all_partners(session)
        totals = await store.totals_by_partner(session)
    described = [_describe(row, settings) + _letters(totals.get(row.id)) for row in rows]
    print("\n\n".join(described) if rows else "No partners yet.")
    return 0


def _letters(totals: store.Totals | None) -> str:
    t = totals or store.Totals()
    return (
        f"\nletters:    {t.composed} composed, {t.reported} reported sent by hand, "
        f"{t.sent} sent, {t.delivered} delivered"
    )


async def _revoke(database: Database, settings: Settings, args: argparse.Namespace) -> int:
    async with database.begin() as session:
        row = await store.revoke(session, args.key_id.strip(), datetime.now(UTC))
        if row is None:
            raise NotFound(f"No partner key has the id {args.key_id!r} (see `partners list`).")
        print(_describe(row, settings))
    seconds = f"{settings.partners_refresh_seconds:g}"
    print(f"Revoked: every running server refuses this key within {seconds} s.")
    return 0


def _describe(row: PartnerRow, settings: Settings) -> str:
    status = f"revoked {row.revoked_at:%Y-%m-%d %H:%M}" if row.revoked_at else "active"
    limit = row.rate_limit or f"{settings.rate_limit_partner} (default)"
    return "\n".join(
        [
            f"key id:     {row.id}",
            f"name:       {row.name}",
            f"status:     {status}",
            f"origins:    {' '.join(row.origins)}",
            f"rate limit: {limit}",
            f"created:    {row.created_at:%Y-%m-%d %H:%M} UTC",
        ]
    )
