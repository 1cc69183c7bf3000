"""The person's own edit replaces the wording, within limits, where the campaign allows it."""

from dataclasses import replace

import pytest

from app.campaigns.edit import BODY_MAX, SUBJECT_MAX, apply_edit
from app.campaigns.models import Campaign, Letter
from app.errors import Unprocessable

LETTER = Letter(subject="Rendered", body="Rendered body", language="en", variant=7)


def test_no_edit_keeps_the_letter(campaign: Campaign) -> None:
    assert apply_edit(campaign, LETTER, None, None) is LETTER


def test_edit_replaces_subject_and_body_cleaned(campaign: Campaign) -> None:
    edited = apply_edit(campaign, LETTER, "  My subject\u202e ", "Dear all,\r\n\r\n\r\n\r\nBye\x00")
    assert edited == Letter("My subject", "Dear all,\n\nBye", "en", 7)


def test_edit_of_one_part_keeps_the_other(campaign: Campaign) -> None:
    assert apply_edit(campaign, LETTER, None, "Mine").subject == "Rendered"
    assert apply_edit(campaign, LETTER, "Mine", None).body == "Rendered body"


def test_an_edited_body_has_no_rendered_paragraphs(campaign: Campaign) -> None:
    rendered = replace(LETTER, parts=("Rendered body",), known=(("Rendered",),))
    assert apply_edit(campaign, rendered, None, "Mine").parts == ()
    assert apply_edit(campaign, rendered, None, "Mine").known == ()
    assert apply_edit(campaign, rendered, "Mine", None).parts == ("Rendered body",)
    assert apply_edit(campaign, rendered, "Mine", None).known == (("Rendered",),)


def test_edit_is_data_not_template(campaign: Campaign) -> None:
    edited = apply_edit(campaign, LETTER, "{{ 7*7 }}", "{% for x in y %}{{ x }}{% endfor %}")
    assert (edited.subject, edited.body) == ("{{ 7*7 }}", "{% for x in y %}{{ x }}{% endfor %}")


@pytest.mark.parametrize(
    ("subject", "body", "fields"),
    [
        ("Two\nlines", None, ["subject"]),
        ("Two\rlines", None, ["subject"]),
        ("x" * (SUBJECT_MAX + 1), None, ["subject"]),
        (None, "y" * (BODY_MAX + 1), ["body"]),
        ("  ", "\u202e", ["subject", "body"]),
    ],
)
def test_bad_edit_is_422_on_each_field(
    campaign: Campaign, subject: str | None, body: str | None, fields: list[str]
) -> None:
    with pytest.raises(Unprocessable) as caught:
        apply_edit(campaign, LETTER, subject, body)
    assert [e.field for e in caught.value.errors] == fields


def test_limits_are_inclusive(campaign: Campaign) -> None:
    edited = apply_edit(campaign, LETTER, "x" * SUBJECT_MAX, "y" * BODY_MAX)
    assert len(edited.subject) == 200 and len(edited.body) == 8000


@pytest.mark.parametrize(
    ("subject", "body", "fields"),
    [("S", None, ["subject"]), (None, "B", ["body"]), ("S", "B", ["subject", "body"])],
)
def test_campaign_that_is_not_editable_refuses_edits(
    campaign: Campaign, subject: str | None, body: str | None, fields: list[str]
) -> None:
    fixed = replace(campaign, editable=False)
    with pytest.raises(Unprocessable) as caught:
        apply_edit(fixed, LETTER, subject, body)
    assert [e.field for e in caught.value.errors] == fields
    assert apply_edit(fixed, LETTER, None, None) is LETTER
