"""Which address a letter goes to: recent before dated, never one that bounced hard."""

from datetime import date

from app.directory.models import Embassy
from app.letters.recipients import MailPolicy, recipients
from tests.directory.factory import bern

TODAY = date(2026, 12, 1)


def _embassy(dates: dict[str, str]) -> Embassy:
    return Embassy.model_validate(bern(emails=list(dates), email_dates=dates,
                                       sources={"emails": {a: ["s"] for a in dates}}))


def test_a_recent_address_is_preferred_to_a_dated_one_listed_first() -> None:
    embassy = _embassy({"old@bluewin.ch": "2015-03", "new@bluewin.ch": "2024-05"})
    chosen = recipients(embassy, MailPolicy(), TODAY)
    assert chosen.to == ["new@bluewin.ch"] and chosen.dated == [] and chosen.blocked is None


def test_only_dated_addresses_off_the_ministry_domain_block_the_platform() -> None:
    embassy = _embassy({"old@bluewin.ch": "2015-03", "older@bluewin.ch": "2014"})
    chosen = recipients(embassy, MailPolicy(), TODAY)
    assert chosen.to == ["old@bluewin.ch"] and chosen.dated == ["old@bluewin.ch"]
    assert chosen.blocked == "email_dated"
    assert recipients(embassy, MailPolicy(send_to_dated=True), TODAY).blocked is None
    assert recipients(embassy, MailPolicy(dated_after_years=20), TODAY).dated == []
    on_mid = recipients(_embassy({"old@mid.ru": "2015-03"}), MailPolicy(), TODAY)
    assert on_mid.dated == ["old@mid.ru"] and on_mid.blocked is None


def test_a_hard_bounced_address_is_never_chosen() -> None:
    embassy = _embassy({"dead@bluewin.ch": "2024", "old@mid.ru": "2015"})
    chosen = recipients(embassy, MailPolicy(bounced=frozenset({"dead@bluewin.ch"})), TODAY)
    assert chosen.to == ["old@mid.ru"] and chosen.bounced == ["dead@bluewin.ch"]
    every = recipients(embassy, MailPolicy(bounced=frozenset({"dead@bluewin.ch",
                                                               "old@mid.ru"})), TODAY)
    assert every.to == [] and every.blocked == "email_bounced"
    assert recipients(_embassy({}), MailPolicy(), TODAY).blocked == "no_email_on_file"
