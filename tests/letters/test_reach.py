"""compose's `reach`: kept per directory, embassy, mail policy and day, never stale for any."""

from datetime import date, timedelta

from app.letters.compose import reach
from app.letters.other_ways import other_ways
from app.letters.recipients import MailPolicy, recipients
from app.services import Services

TODAY = date(2026, 12, 1)
BERN = "ch-bern-embassy"


def test_reach_is_what_the_uncached_parts_give(services: Services) -> None:
    directory = services.directory
    embassy = directory.get(BERN)
    reached = reach(directory, BERN, MailPolicy(), TODAY)
    assert reached.chosen == recipients(embassy, MailPolicy(), TODAY)
    assert list(reached.other_ways) == other_ways(directory, embassy, reachable=True)
    assert reached.notes == ()


def test_a_bounce_a_policy_a_day_and_a_directory_each_have_their_own(
    services: Services, no_email_services: Services
) -> None:
    address = services.directory.get(BERN).emails[0]
    before = reach(services.directory, BERN, MailPolicy(), TODAY)
    bounced = reach(services.directory, BERN, MailPolicy(bounced=frozenset({address})), TODAY)
    assert before.chosen.to == [address]
    assert address not in bounced.chosen.to and bounced.chosen.bounced == [address]
    assert [n.code for n in bounced.notes] == ["email_bounced"]
    assert reach(services.directory, BERN, MailPolicy(), TODAY) is before  # kept
    assert reach(services.directory, BERN, MailPolicy(), TODAY + timedelta(days=1)) is not before
    hague = "nl-the-hague-embassy"
    assert reach(services.directory, hague, MailPolicy(), TODAY).chosen.to
    retired = reach(no_email_services.directory, hague, MailPolicy(), TODAY)
    assert retired.chosen.to == [] and [n.code for n in retired.notes] == ["no_email_on_file"]
    retired_embassy = no_email_services.directory.get(hague)
    assert list(retired.other_ways) == other_ways(
        no_email_services.directory, retired_embassy, reachable=False
    )
