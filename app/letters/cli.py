"""`python -m app compose`: a letter and its links on the terminal."""

import argparse
from datetime import UTC, datetime

from app.letters.compose import Context, compose
from app.letters.recipients import mail_policy
from app.letters.schemas import ComposeRequest, ComposeResponse, Sender
from app.services import Services
from app.settings import Settings


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    cmd = commands.add_parser("compose", help="print a letter and its links")
    cmd.add_argument("--campaign", required=True, help="campaign id, e.g. navalny-appeal")
    cmd.add_argument("--name", required=True, help="the signer's name")
    cmd.add_argument("--city", help="the signer's city (also used to find the embassy)")
    cmd.add_argument("--country", help="the signer's country, ISO 3166-1 alpha-2")
    cmd.add_argument("--language", help="en, ru, de, fr, es, ... (default: the campaign's)")
    cmd.add_argument("--embassy", help="an embassy id instead of the nearest one")
    cmd.add_argument("--note", help="a personal note added to the letter")
    cmd.add_argument("--variant", type=int, help="pick a wording (default: from the inputs)")
    cmd.add_argument("--initials", action="store_true", help="sign with initials and city only")
    cmd.add_argument("--bilingual", action="store_true", help="add the Russian text below")
    cmd.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    services = Services.load(Settings())
    request = ComposeRequest(
        campaign_id=args.campaign,
        language=args.language,
        embassy_id=args.embassy,
        sender=Sender(name=args.name, city=args.city, country=args.country),
        personal_note=args.note,
        variant=args.variant,
        signature="initials" if args.initials else "full",
        bilingual=args.bilingual,
    )
    ctx = Context(
        geo=services.geo,
        directory=services.directory,
        campaigns=services.campaigns,
        accept_language=None,
        client_ip=None,
        now=datetime.now(UTC),
        mail=mail_policy(services.settings),
    )
    print(format_letter(compose(ctx, request)))
    return 0


def format_letter(letter: ComposeResponse) -> str:
    lines = [
        f"To:      {', '.join(letter.to) or '(no e-mail on file)'}",
        f"Embassy: {letter.embassy.name} ({letter.embassy.id}) - {letter.reason}",
        f"Subject: {letter.subject}",
        "",
        letter.body,
        "",
    ]
    for name, link in letter.links.model_dump().items():
        if link:
            lines.append(f"{name}: {link}")
    lines += [f"warning ({w.code}): {w.message}" for w in letter.warnings]
    lines += [
        f"{way.kind}: {way.message} {way.url or way.address or ''}".rstrip()
        for way in letter.other_ways
    ]
    return "\n".join(lines)
