"""Long dates and delays in the letter's language: the shipped CLDR data give what babel
gives."""

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date, format_datetime, format_timedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from app.letters.dates import (
    _data,
    apply,
    long_date,
    long_datetime,
    shipped_languages,
    time_until,
)

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = sorted(shipped_languages())
MOMENTS = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 12, 31))


def test_the_letter_languages_are_shipped() -> None:
    assert {"en", "de", "fr", "es", "ru"} <= shipped_languages()


@settings(max_examples=300)
@given(language=st.sampled_from(LANGUAGES), moment=MOMENTS)
def test_what_babel_gives_in_every_shipped_language(language: str, moment: datetime) -> None:
    # Fails after a babel upgrade that changes a pattern until scripts/build_cldr.py is run.
    assert long_date(moment.date(), language) == format_date(moment.date(), "long",
                                                             locale=language)
    assert long_datetime(moment, language) == format_datetime(moment, "long", tzinfo=None,
                                                              locale=language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_hour_of_a_day(language: str) -> None:
    midnight = datetime(2026, 3, 5, tzinfo=UTC)
    for hour in range(24):
        moment = midnight + timedelta(hours=hour, minutes=7, seconds=9)
        assert long_datetime(moment, language) == format_datetime(moment, "long", tzinfo=None,
                                                                  locale=language)


def _babel_until(seconds: int, language: str) -> str:
    text: str = format_timedelta(timedelta(seconds=seconds), locale=language,
                                 add_direction=True)
    return text


@settings(max_examples=300)
@given(language=st.sampled_from(LANGUAGES),
       seconds=st.integers(min_value=1, max_value=200 * 365 * 86_400))
def test_a_delay_as_babel_gives_it(language: str, seconds: int) -> None:
    assert time_until(seconds, language) == _babel_until(seconds, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_delay_a_rate_limit_gives(language: str) -> None:
    # Retry-After of the limits: up to a day, where every unit and plural form shows.
    for seconds in (*range(1, 200), *range(200, 86_401, 97)):
        assert time_until(seconds, language) == _babel_until(seconds, language)


def test_delay_examples() -> None:
    assert time_until(120, "en") == "in 2 minutes"
    assert time_until(120, "ru") == "через 2 минуты"
    assert time_until(300, "ru") == "через 5 минут"
    assert time_until(3600, "de") == "in 1 Stunde"
    assert time_until(45, "th") == _babel_until(45, "th")  # no file: babel


def test_examples() -> None:
    moment = datetime(2026, 3, 5, 15, 7, 9, tzinfo=UTC)
    assert long_datetime(moment, "en") == "March 5, 2026, 3:07:09\u202fPM UTC"
    assert long_datetime(moment, "de") == "5. März 2026, 15:07:09 UTC"
    assert long_date(moment.date(), "ru") == "5 марта 2026\u202fг."
    assert long_date(moment.date(), "es") == "5 de marzo de 2026"


def test_a_naive_time_is_utc_as_babel_takes_it() -> None:
    naive = datetime(2026, 12, 1, 9, 30)
    assert long_datetime(naive, "fr") == long_datetime(naive.replace(tzinfo=UTC), "fr")


def test_another_zone_or_language_is_left_to_babel() -> None:
    berlin = datetime(2026, 7, 1, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    assert long_datetime(berlin, "en") == format_datetime(berlin, "long", tzinfo=None,
                                                          locale="en")
    assert "th" not in shipped_languages()  # the Buddhist era: a field the formatter lacks
    day = date(2026, 3, 5)
    assert long_date(day, "th") == format_date(day, "long", locale="th")
    assert long_date(day, "cy") == format_date(day, "long", locale="cy")


def test_a_field_it_does_not_format_is_an_error_not_a_guess() -> None:
    data = _data("en")
    assert data is not None
    with pytest.raises(ValueError, match="G"):
        apply("d MMMM y G", data, date(2026, 3, 5))
    with pytest.raises(ValueError, match="h"):
        apply("h:mm", data, date(2026, 3, 5))  # a time field, given a date


def test_a_shipped_language_does_not_load_babel() -> None:
    probe = ("import sys, datetime\nfrom app.letters.dates import long_date, long_datetime, "
             "time_until\n"
             "long_datetime(datetime.datetime(2026, 1, 1, 8), 'en')\n"
             "long_date(datetime.date(2026, 1, 1), 'ru'), time_until(90, 'fr')\n"
             "print('babel' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    assert out.strip() == "False"
