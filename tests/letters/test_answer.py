"""answer_json writes the answer itself: its bytes must be pydantic's, for every kind of letter."""

import itertools
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from app.errors import Unprocessable
from app.letters.answer import ANSWER, _json_as_is, answer_json
from app.letters.compose import Composed, Context, compose_parts
from app.letters.schemas import ComposeRequest
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


def direct(composed: Composed) -> bool:
    links = composed.links
    return links is not None and all(
        _json_as_is(url) for url in (links.mailto, links.gmail, links.outlook, links.yahoo))


def assert_same_bytes(composed: Composed) -> None:
    assert answer_json(composed) == ANSWER.dump_json(composed.response())


@pytest.mark.parametrize(
    ("language", "variant", "signature", "bilingual"),
    list(itertools.product(LANGUAGES, (None, 0, 7, 12345), ("full", "initials"), (False, True))),
)
def test_every_kind_of_letter(
    services: Services, language: str, variant: int | None, signature: str, bilingual: bool
) -> None:
    composed = compose_parts(context(services), request(
        language=language, variant=variant, signature=signature, bilingual=bilingual,
        personal_note=f"A note of my own.\n\n{TRICKY}",
    ))
    assert direct(composed)  # the links written directly, not the fallback
    assert_same_bytes(composed)


def test_edited_subject_and_body(services: Services) -> None:
    composed = compose_parts(context(services), request(
        subject=f"My subject {TRICKY.replace(chr(0x2028), '')}",  # one line
        body=f"My own letter.\r\n\r\n{TRICKY}\rEnd",
    ))
    assert direct(composed)
    assert_same_bytes(composed)


def test_fallback_text_other_than_subject_and_body(services: Services) -> None:
    # Compose's fallback text is the subject, a blank line and the body, whose JSON is
    # reused; any other text is escaped on its own.
    composed = compose_parts(context(services), request())
    plan = composed.plan
    assert direct(composed) and plan is not None and plan.fallback is not None
    for text in (f"{TRICKY}\n\n{composed.letter.body}", composed.letter.body, TRICKY):
        fallback = plan.fallback._replace(text=text)
        assert_same_bytes(composed._replace(plan=plan._replace(fallback=fallback)))


def test_short_letter_without_the_fallback(services: Services) -> None:
    composed = compose_parts(context(services), request(subject="Hi", body="Short."))
    answer = composed.response()
    assert answer.fallback is None and not answer.warnings
    assert_same_bytes(composed)


def test_without_an_email_on_file(no_email_services: Services) -> None:
    composed = compose_parts(context(no_email_services), request(embassy_id="nl-the-hague-embassy"))
    assert composed.response().links.mailto is None
    assert_same_bytes(composed)


def test_dated_address(dated_services: Services) -> None:
    composed = compose_parts(context(dated_services), request(embassy_id="dk-copenhagen-embassy"))
    assert any(w.code == "email_dated" for w in composed.response().warnings)
    assert_same_bytes(composed)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(min_size=1, max_size=60), city=st.text(max_size=40),
       note=st.text(max_size=300), language=st.sampled_from(LANGUAGES))
def test_any_person(services: Services, name: str, city: str, note: str, language: str) -> None:
    try:
        composed = compose_parts(context(services), request(
            language=language, sender={"name": name, "city": city or None, "country": "DE"},
            personal_note=note or None,
        ))
    except (Unprocessable, ValueError):  # a field the letter refuses: no answer to compare
        assume(False)
        return
    assert_same_bytes(composed)
