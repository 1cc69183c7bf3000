"""Which addresses are dated, and which the platform may send to."""

from datetime import date

import pytest

from app.directory.freshness import Freshness, newest_date, on_ministry_domain, period_end
from app.directory.models import Embassy

from .factory import bern


def _embassy(dates: dict[str, str]) -> Embassy:
    emails = [*dates, "undated@example.ch"]
    return Embassy.model_validate(bern(emails=emails, email_dates=dates, sources={
        "emails": {a: ["s"] for a in emails}}))


@pytest.mark.parametrize(("value", "end"), [
    ("2015", date(2015, 12, 31)), ("2024-02", date(2024, 2, 29)),
    ("2021-12-01", date(2021, 12, 1))])
def test_a_partial_date_ends_with_its_period(value: str, end: date) -> None:
    assert period_end(value) == end


def test_the_newest_dated_source_wins() -> None:
    dates = {"a": "2015-03", "b": "2026-11", "c": "2015"}
    assert newest_date(["a", "b", "unknown"], dates) == "2026-11"
    assert newest_date(["c", "a"], dates) == "2015-03"
    assert newest_date(["unknown"], dates) is None


def test_dated_means_older_than_the_years_even_at_the_end_of_its_period() -> None:
    embassy = _embassy({"old@bluewin.ch": "2015-03", "edge@mid.ru": "2021-12",
                        "recent@bluewin.ch": "2024"})
    fresh = Freshness(date(2026, 12, 1), 5)  # cut-off 2021-12-01
    assert fresh.dated(embassy) == ["old@bluewin.ch"]  # 2021-12 may be 2021-12-31
    assert not fresh.is_dated(embassy, "undated@example.ch")  # nothing says it is old
    assert Freshness(date(2027, 1, 1), 5).dated(embassy) == ["old@bluewin.ch", "edge@mid.ru"]
    assert Freshness(date(2026, 12, 1), 0).dated(embassy) == [
        "old@bluewin.ch", "edge@mid.ru", "recent@bluewin.ch"]
    assert Freshness(date(2024, 2, 29), 5).cutoff == date(2019, 2, 28)


def test_the_platform_sends_to_dated_addresses_only_on_the_ministry_domain() -> None:
    embassy = _embassy({"old@bluewin.ch": "2015-03", "old@mid.ru": "2015-03",
                        "consul@moscow.mid.ru": "2015"})
    fresh = Freshness(date(2026, 12, 1))
    assert not fresh.platform_may_send(embassy, "old@bluewin.ch")
    assert fresh.platform_may_send(embassy, "old@mid.ru")
    assert fresh.platform_may_send(embassy, "consul@moscow.mid.ru")
    assert fresh.platform_may_send(embassy, "undated@example.ch")
    assert not on_ministry_domain("x@notmid.ru") and on_ministry_domain("X@MID.RU")
