"""Planning the links: which are too long for which clients, and the fallback offered then."""

from itertools import cycle, islice

import pytest

from app.letters.link_plan import (
    CLIENT_LIMITS,
    Fallback,
    LinkWarning,
    letter_text,
    plan_links,
)
from app.letters.links import LINK_NAMES, Links, build_links, decode_mailto

TO = ["rusembassy@example.org"]
RUSSIAN_SUBJECT = "Свободу политическим заключённым"
RUSSIAN_PARAGRAPH = (
    "Уважаемый господин посол! Я обращаюсь к Вам с просьбой передать в Москву моё требование "
    "немедленно освободить всех политических заключённых. Их держат в тюрьме за слова, "
    "за мирный протест и за правду. Это несправедливо и противоречит закону.\n\n"
)


def russian_letter(length: int) -> str:
    return "".join(islice(cycle(RUSSIAN_PARAGRAPH), length))


def fake_links(**lengths: int) -> Links:
    """Links of chosen lengths (only lengths matter to the planner)."""
    return Links(**{name: "x" * lengths.get(name, 100) for name in LINK_NAMES})


def test_cyrillic_grows_five_to_six_times_when_encoded() -> None:
    body = russian_letter(1_500)

    links = build_links(TO, "", body)

    body_part = links.mailto.split("body=", 1)[1]
    assert 5.0 < len(body_part) / len(body) < 6.0


def test_a_russian_letter_of_1500_characters_is_too_long_for_most_mailto_handlers() -> None:
    body = russian_letter(1_500)
    links = build_links(TO, RUSSIAN_SUBJECT, body)

    plan = plan_links(links, body, RUSSIAN_SUBJECT, TO)

    [warning] = plan.warnings
    assert warning.code == "link_too_long"
    assert warning.links == ("mailto", "gmail", "outlook", "yahoo")
    assert {"windows_desktop", "webmail_mailto_handler"} <= set(warning.clients)
    assert {"gmail_web", "outlook_web", "yahoo_web"} <= set(warning.clients)
    assert "ios_mail" not in warning.clients  # no known limit anywhere near
    assert "mailto link" in warning.message and "on Windows" in warning.message
    # The links still carry the whole letter; only the plan warns.
    assert decode_mailto(links.mailto).body == body


def test_the_fallback_mailto_has_no_body_and_the_same_recipients_and_subject() -> None:
    body = russian_letter(1_500)
    links = build_links(TO, RUSSIAN_SUBJECT, body)

    plan = plan_links(links, body, RUSSIAN_SUBJECT, TO)

    assert plan.fallback is not None
    assert "body=" not in plan.fallback.mailto
    assert decode_mailto(plan.fallback.mailto) == (TO, RUSSIAN_SUBJECT, "", [])
    assert len(plan.fallback.mailto) < 2_000  # short enough for every client
    assert plan.fallback.text == f"{RUSSIAN_SUBJECT}\n\n{body}"


def test_the_fallback_keeps_copies() -> None:
    body = russian_letter(1_500)
    links = build_links(TO, RUSSIAN_SUBJECT, body, ["me@example.org"])

    plan = plan_links(links, body, RUSSIAN_SUBJECT, TO, cc=["me@example.org"])

    assert plan.fallback is not None
    assert decode_mailto(plan.fallback.mailto).cc == ["me@example.org"]


def test_a_short_letter_gets_no_warning_and_no_fallback() -> None:
    body = "Sehr geehrte Damen und Herren,\n\nich bitte um die Freilassung.\n\nGrüße\nJürgen"
    links = build_links(TO, "Freiheit", body)

    plan = plan_links(links, body, "Freiheit", TO)

    assert plan.warnings == ()
    assert plan.fallback is None


def test_lengths_are_the_encoded_lengths_of_every_link() -> None:
    body = russian_letter(300)
    links = build_links(TO, RUSSIAN_SUBJECT, body)

    plan = plan_links(links, body, RUSSIAN_SUBJECT, TO)

    assert plan.lengths == {name: len(url) for name, url in links.as_dict().items()}
    assert plan.lengths["mailto"] > 300 * 5


@pytest.mark.parametrize(
    ("mailto_length", "clients"),
    [
        (1_620, ()),
        (1_621, ("webmail_mailto_handler",)),
        (2_000, ("webmail_mailto_handler",)),
        (2_001, ("windows_desktop", "webmail_mailto_handler")),
        (16_001, ("windows_desktop", "webmail_mailto_handler", "android")),
        (100_001, ("windows_desktop", "webmail_mailto_handler", "android", "ios_mail")),
    ],
)
def test_mailto_limits_are_inclusive(mailto_length: int, clients: tuple[str, ...]) -> None:
    plan = plan_links(fake_links(mailto=mailto_length), "body", "subject", TO)

    assert tuple(c for w in plan.warnings for c in w.clients) == clients
    assert (plan.fallback is None) == (not clients)


def test_only_the_links_that_fail_are_named() -> None:
    plan = plan_links(fake_links(gmail=4_001, outlook=2_001), "body", "subject", TO)

    assert plan.warnings == (
        LinkWarning(
            code="link_too_long",
            message=plan.warnings[0].message,
            links=("gmail", "outlook"),
            clients=("gmail_web", "outlook_web"),
        ),
    )
    assert "gmail link (4,001 characters)" in plan.warnings[0].message
    assert plan.fallback == Fallback(
        mailto="mailto:rusembassy@example.org?subject=subject", text="subject\n\nbody"
    )


def test_every_link_has_at_least_one_client_with_a_positive_limit() -> None:
    assert {c.link for c in CLIENT_LIMITS} == set(LINK_NAMES)
    assert all(c.max_length > 0 for c in CLIENT_LIMITS)
    assert len({c.client for c in CLIENT_LIMITS}) == len(CLIENT_LIMITS)


def test_letter_text_uses_plain_line_breaks() -> None:
    assert letter_text("Subject", "one\r\ntwo") == "Subject\n\none\ntwo"
