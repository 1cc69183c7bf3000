"""answer_json writes the links itself: its bytes must be pydantic's, for every kind of letter."""

import itertools
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from app.errors import Unprocessable
from app.letters.answer import ANSWER, _json_as_is, answer_json
from app.letters.compose import Context, compose
from app.letters.schemas import ComposeRequest, ComposeResponse
from app.services import Services

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
LANGUAGES = ("en", "de", "fr", "es", "ru")
# What JSON escapes, what percent-encoding must not let through, and text beyond ASCII.
TRICKY = 'He said "no" \\ back\tslash \x01\x1f\x7f <b>&amp;</b> \u2028 € ё 😀 %41 +'


def context(services: Services) -> Context:
    return Context(geo=services.geo, directory=services.directory, campaigns=services.campaigns,
                   accept_language=None, client_ip=None, now=NOW)


def request(**fields: object) -> ComposeRequest:
    sender = {"name": "Jane Doe", "city": "Basel", "country": "CH"}
    return ComposeRequest.model_validate(
        {"campaign_id": "navalny-appeal", "sender": sender} | fields
    )


def direct(composed: ComposeResponse) -> bool:
    links = composed.links
    return all(url is not None and _json_as_is(url)
               for url in (links.mailto, links.gmail, links.outlook, links.yahoo))


def assert_same_bytes(composed: ComposeResponse) -> None:
    assert answer_json(composed) == ANSWER.dump_json(composed)


@pytest.mark.parametrize(
    ("language", "variant", "signature", "bilingual"),
    list(itertools.product(LANGUAGES, (None, 0, 7, 12345), ("full", "initials"), (False, True))),
)
def test_every_kind_of_letter(
    services: Services, language: str, variant: int | None, signature: str, bilingual: bool
) -> None:
    composed = compose(context(services), request(
        language=language, variant=variant, signature=signature, bilingual=bilingual,
        personal_note=f"A note of my own.\n\n{TRICKY}",
    ))
    assert direct(composed)  # the links written directly, not the fallback
    assert_same_bytes(composed)


def test_edited_subject_and_body(services: Services) -> None:
    composed = compose(context(services), request(
        subject=f"My subject {TRICKY.replace(chr(0x2028), '')}",  # one line
        body=f"My own letter.\r\n\r\n{TRICKY}\rEnd",
    ))
    assert direct(composed)
    assert_same_bytes(composed)


def test_short_letter_without_the_fallback(services: Services) -> None:
    composed = compose(context(services), request(subject="Hi", body="Short."))
    assert composed.fallback is None and not composed.warnings
    assert_same_bytes(composed)


def test_without_an_email_on_file(no_email_services: Services) -> None:
    composed = compose(context(no_email_services), request(embassy_id="nl-the-hague-embassy"))
    assert composed.links.mailto is None
    assert_same_bytes(composed)


def test_dated_address(dated_services: Services) -> None:
    composed = compose(context(dated_services), request(embassy_id="dk-copenhagen-embassy"))
    assert any(w.code == "email_dated" for w in composed.warnings)
    assert_same_bytes(composed)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(min_size=1, max_size=60), city=st.text(max_size=40),
       note=st.text(max_size=300), language=st.sampled_from(LANGUAGES))
def test_any_person(services: Services, name: str, city: str, note: str, language: str) -> None:
    try:
        composed = compose(context(services), request(
            language=language, sender={"name": name, "city": city or None, "country": "DE"},
            personal_note=note or None,
        ))
    except (Unprocessable, ValueError):  # a field the letter refuses: no answer to compare
        assume(False)
        return
    assert_same_bytes(composed)
