"""Rendering one letter: layout, the person's values as data, variants, signatures, bilingual."""

from pathlib import Path
from typing import Any

import pytest

from app.campaigns.models import Campaign, Letter, SenderInput, Wording
from app.campaigns.registry import CampaignRegistry
from app.campaigns.render import SEPARATOR, render
from app.campaigns.templating import (
    TemplateRenderError,
    compile_wording,
    context,
    make_environment,
    render_wording,
)
from app.campaigns.variant import number
from app.errors import Unprocessable

from .campaign_factory import CONFIG, EN, RU, variation, write_campaign

COUNT = 5 * 3**5  # the demo campaign's English combinations


def compose(campaign: Campaign, **given: Any) -> Letter:
    args: dict[str, Any] = {
        "language": "en",
        "sender": SenderInput("Jane Doe", "Munich", "Germany"),
        "embassy_city": "Berlin",
        "embassy_country": "Germany",
    }
    args.update(given)
    return render(campaign, **args)


def fields_of(error: pytest.ExceptionInfo[Unprocessable]) -> list[str]:
    return [e.field for e in error.value.errors]


# --- layout ---------------------------------------------------------------------------


def test_layout_without_note(campaign: Campaign) -> None:
    letter = compose(campaign, variant=0)
    assert letter == Letter(
        subject="Subject A",
        body=(
            "Dear Ambassador,\n\n"
            "I write from Munich to the embassy in Berlin, Germany.\n\n"
            "Middle one.\n\n"
            "Respectfully,\nJane Doe\nMunich"
        ),
        language="en",
        variant=0,
    )


def test_layout_with_note_keeps_its_paragraphs(campaign: Campaign) -> None:
    note = "First thought.\r\nStill first.\r\n\r\n\r\n\r\nSecond thought."
    letter = compose(campaign, variant=0, note=note)
    assert letter.body.endswith(
        "Middle one.\n\n"
        "In my own words:\nFirst thought.\nStill first.\n\nSecond thought.\n\n"
        "Respectfully,\nJane Doe\nMunich"
    )


def test_without_city_the_templates_and_signature_do_without(campaign: Campaign) -> None:
    letter = compose(campaign, variant=0, sender=SenderInput("Jane Doe"))
    assert "I write from my home to the embassy in Berlin, Germany." in letter.body
    assert letter.body.endswith("Respectfully,\nJane Doe")


def test_sender_country_reaches_the_template(campaign: Campaign) -> None:
    letter = compose(campaign, variant=number((0, 0, 1, 0, 0, 0), (5, 3, 3, 3, 3, 3)))
    assert "Writing to Berlin from Germany." in letter.body
    bare = compose(
        campaign, variant=number((0, 0, 1, 0, 0, 0), (5, 3, 3, 3, 3, 3)),
        sender=SenderInput("Jane Doe", "Munich"),
    )
    assert "Writing to Berlin." in bare.body


def test_blank_note_is_no_note(campaign: Campaign) -> None:
    assert compose(campaign, variant=0, note=" \n\n ").body == compose(campaign, variant=0).body


# --- what a person types is data ------------------------------------------------------

INJECTIONS = [
    "{{ 7*7 }}",
    "{% for x in range(3) %}{{ x }}{% endfor %}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{# comment #}",
    "{{ sender.city }}",
    "{% raw %}",
]


@pytest.mark.parametrize("payload", INJECTIONS)
def test_template_syntax_in_name_city_and_note_comes_out_literally(
    campaign: Campaign, payload: str
) -> None:
    letter = compose(
        campaign, variant=0, note=f"Note: {payload}",
        sender=SenderInput(f"Name {payload}", f"City {payload}", f"Land {payload}"),
    )
    assert f"I write from City {payload} to the embassy" in letter.body
    assert f"In my own words:\nNote: {payload}\n\n" in letter.body
    assert letter.body.endswith(f"Respectfully,\nName {payload}\nCity {payload}")
    assert "49" not in letter.body and "<class" not in letter.body


@pytest.mark.parametrize("payload", INJECTIONS)
def test_template_syntax_in_initials_and_russian_half_too(
    campaign: Campaign, payload: str
) -> None:
    letter = compose(
        campaign, variant=number((0, 0, 1, 0, 0, 0), (5, 3, 3, 3, 3, 3)), bilingual=True,
        note=payload, sender=SenderInput("Jane Doe", payload), signature="initials",
    )
    assert letter.body.count(f"\n{payload}") >= 4  # note and city, in both halves
    assert "49" not in letter.body


# --- cleaning and limits --------------------------------------------------------------


@pytest.mark.parametrize(
    ("sender", "field"),
    [
        (SenderInput("Jane\nDoe"), "sender.name"),
        (SenderInput("Jane\r\nDoe"), "sender.name"),
        (SenderInput("Jane Doe", "Mun\rich"), "sender.city"),
        (SenderInput("Jane Doe", "Munich", "Ger\nmany"), "sender.country"),
    ],
)
def test_line_break_in_a_one_line_field_is_422_on_that_field(
    campaign: Campaign, sender: SenderInput, field: str
) -> None:
    with pytest.raises(Unprocessable) as caught:
        compose(campaign, sender=sender)
    assert fields_of(caught) == [field]


def test_control_characters_are_stripped(campaign: Campaign) -> None:
    letter = compose(
        campaign, variant=0, note="Hi\x00 there\x1b\u202e!",
        sender=SenderInput("\u202eJane\x07 Doe\ufeff", "Mu\u200bnich"),
    )
    assert letter.body.endswith("In my own words:\nHi there!\n\nRespectfully,\nJane Doe\nMunich")
    assert all(ch not in letter.body for ch in "\x00\x07\x1b\u202e\ufeff\u200b")


def test_every_bad_field_is_reported_at_once(campaign: Campaign) -> None:
    with pytest.raises(Unprocessable) as caught:
        compose(
            campaign, sender=SenderInput("  ", "x" * 61), note="n" * 301, gender="other",
            signature="nickname", bilingual=True, language="en",
        )
    assert fields_of(caught) == [
        "sender.name", "sender.city", "personal_note", "sender.gender", "signature",
    ]


def test_field_limits_come_from_the_campaign(campaign: Campaign) -> None:
    compose(campaign, sender=SenderInput("J" * 100, "c" * 60), note="n" * 300)
    with pytest.raises(Unprocessable) as caught:
        compose(campaign, sender=SenderInput("J" * 101))
    assert fields_of(caught) == ["sender.name"]


def test_required_fields_of_the_campaign(tmp_path: Path) -> None:
    fields = {"name": {"required": True}, "city": {"required": True},
              "personal_note": {"required": True}, "gender": {"required": True,
              "options": ["feminine", "masculine"]}}
    config = variation(CONFIG, fields=fields)
    strict = CampaignRegistry.load(write_campaign(tmp_path, config)).get("demo")
    with pytest.raises(Unprocessable) as caught:
        compose(strict, sender=SenderInput("Jane"))
    assert fields_of(caught) == ["sender.city", "personal_note", "sender.gender"]


def test_unknown_language_is_422(campaign: Campaign) -> None:
    with pytest.raises(Unprocessable) as caught:
        compose(campaign, language="de")
    assert fields_of(caught) == ["language"]
    assert "supported: en, ru" in caught.value.errors[0].message


# --- gender ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gender", "wording"),
    [("feminine", "Я обеспокоена."), ("masculine", "Я обеспокоен."),
     (None, "Я испытываю беспокойство.")],
)
def test_gender_reaches_the_russian_template(
    campaign: Campaign, gender: str | None, wording: str
) -> None:
    letter = compose(campaign, language="ru", variant=0, gender=gender)
    assert f"\n\n{wording}\n\n" in letter.body


def test_gender_outside_the_options_is_422(campaign: Campaign) -> None:
    with pytest.raises(Unprocessable) as caught:
        compose(campaign, language="ru", gender="Feminine")
    assert fields_of(caught) == ["sender.gender"]
    assert "feminine, masculine" in caught.value.errors[0].message


def test_gender_is_refused_where_the_campaign_asks_none(tmp_path: Path) -> None:
    config = variation(CONFIG, fields={"name": {"required": True}})
    plain = CampaignRegistry.load(write_campaign(tmp_path, config, {"en": EN})).get("demo")
    with pytest.raises(Unprocessable) as caught:
        compose(plain, gender="feminine")
    assert fields_of(caught) == ["sender.gender"]


# --- variants -------------------------------------------------------------------------


def test_same_inputs_same_letter(campaign: Campaign) -> None:
    first = compose(campaign, note="Please.")
    assert compose(campaign, note="Please.") == first
    # Cleaning happens before hashing: stray spaces do not change the letter.
    assert compose(campaign, note=" Please. ", sender=SenderInput(" Jane  Doe", "Munich ",
                                                                 "Germany")) == first


def test_different_people_get_different_letters(campaign: Campaign) -> None:
    names = [f"Person {i}" for i in range(200)]
    variants = {compose(campaign, sender=SenderInput(n, "Munich")).variant for n in names}
    assert len(variants) > 180  # 1,215 combinations: a few collisions at most
    subjects = {compose(campaign, sender=SenderInput(n)).subject for n in names[:50]}
    assert len(subjects) == 5


def test_city_and_note_change_the_derived_variant(campaign: Campaign) -> None:
    base = compose(campaign).variant
    others = {
        compose(campaign, sender=SenderInput("Jane Doe", f"City {i}")).variant for i in range(20)
    } | {compose(campaign, note=f"note {i}").variant for i in range(20)}
    assert others - {base}


def test_explicit_variant_picks_the_wordings(campaign: Campaign) -> None:
    radices = (5, 3, 3, 3, 3, 3)
    chosen = number((3, 2, 2, 1, 2, 1), radices)
    letter = compose(campaign, variant=chosen, note="Mine.")
    assert letter.variant == chosen
    assert letter.subject == "Subject D"
    assert letter.body.startswith("Dear Sir or Madam,\n\nA letter to Germany.\n\nMiddle two.")
    assert letter.body.endswith("\n\nI add:\nMine.\n\nYours faithfully,\nJane Doe\nMunich")


def test_explicit_variant_is_taken_modulo_the_count(campaign: Campaign) -> None:
    assert compose(campaign, variant=COUNT + 7) == compose(campaign, variant=7)
    assert compose(campaign, variant=COUNT + 7).variant == 7
    assert compose(campaign, variant=-1).variant == COUNT - 1


def test_variant_count_is_per_language(campaign: Campaign) -> None:
    ru_count = 6 * 3**5
    assert compose(campaign, language="ru", variant=COUNT).variant == COUNT
    assert compose(campaign, language="ru", variant=ru_count).variant == 0


# --- signatures -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "initials"),
    [
        ("Jane Doe", "J. D."),
        ("jane doe", "J. D."),
        ("Madonna", "M."),
        ("Jean-Luc Picard", "J.-L. P."),
        ("Anne-Marie de la Tour", "A.-M. D. L. T."),
        ("Анна Петрова", "А. П."),
        ("Ёжик Иванович Туманов", "Ё. И. Т."),
        ("Γιώργος Παπαδόπουλος", "Γ. Π."),
        ("Ülkü Şahin", "Ü. Ş."),
        ("Øyvind Ødegård", "Ø. Ø."),
        ("O'Brien", "O."),
        ("李 小龙", "李. 小."),
        ("محمد علي", "م. ع."),
        ("Jane & John Doe", "J. J. D."),
        ("Straße Weiß", "S. W."),
        ("ßen", "ß."),
    ],
)
def test_initials_signature(campaign: Campaign, name: str, initials: str) -> None:
    letter = compose(campaign, variant=0, signature="initials",
                     sender=SenderInput(name, "Munich", "Germany"))
    assert letter.body.endswith(f"Respectfully,\n{initials}\nMunich")
    if name not in ("Madonna",):
        assert name not in letter.body


def test_initials_signature_without_city(campaign: Campaign) -> None:
    letter = compose(campaign, variant=0, signature="initials", sender=SenderInput("Jane Doe"))
    assert letter.body.endswith("Respectfully,\nJ. D.")


def test_initials_need_a_letter(campaign: Campaign) -> None:
    with pytest.raises(Unprocessable) as caught:
        compose(campaign, signature="initials", sender=SenderInput("!!! ???"))
    assert fields_of(caught) == ["sender.name"]


# --- bilingual ------------------------------------------------------------------------


def test_bilingual_appends_the_russian_letter(campaign: Campaign) -> None:
    chosen = number((1, 2, 1, 0, 0, 0), (5, 3, 3, 3, 3, 3))
    letter = compose(campaign, variant=chosen, bilingual=True, note="Free him.", gender="feminine")
    english, russian = letter.body.split(f"\n\n{SEPARATOR}\n\n")
    assert english == compose(campaign, variant=chosen, note="Free him.").body
    same_choice = number((1, 2, 1, 0, 0, 0), (6, 3, 3, 3, 3, 3))  # Russian has 6 subjects
    ru_alone = compose(campaign, language="ru", variant=same_choice, note="Free him.",
                       gender="feminine")
    assert russian == ru_alone.body
    assert russian.startswith("Ваше Превосходительство!\n\nПишу в Berlin.")
    assert letter.subject == "Subject B / Тема Б"
    assert letter.language == "en" and letter.variant == chosen


def test_bilingual_uses_russian_country_names_when_given(campaign: Campaign) -> None:
    third = number((0, 0, 2, 0, 0, 0), (5, 3, 3, 3, 3, 3))
    letter = compose(campaign, variant=third, bilingual=True,
                     russian_country_names=("Австрия", "Германия"),
                     sender=SenderInput("Jane Doe", "Wien", "Austria"))
    english, russian = letter.body.split(f"\n\n{SEPARATOR}\n\n")
    assert "A letter to Germany." in english
    assert "Пишу в посольство из страны Австрия в Германия." in russian
    without = compose(campaign, variant=third, bilingual=True)
    assert "Пишу в посольство из страны Germany в Germany." in without.body


def test_bilingual_keeps_each_wording_index_for_russian(campaign: Campaign) -> None:
    chosen = COUNT - 1  # the last wording of every list
    letter = compose(campaign, variant=chosen, bilingual=True)
    same_choice = number((4, 2, 2, 2, 2, 2), (6, 3, 3, 3, 3, 3))
    assert letter.body.endswith(compose(campaign, language="ru", variant=same_choice).body)
    assert letter.subject == "Subject E / Тема Д"


def test_bilingual_with_other_paragraphs_falls_back_to_modulo(tmp_path: Path) -> None:
    ru = variation(RU, paragraphs=RU["paragraphs"][:1])
    campaign = CampaignRegistry.load(write_campaign(tmp_path, texts={"en": EN, "ru": ru}))
    demo = campaign.get("demo")
    ru_count = 6 * 3**4
    letter = compose(demo, variant=COUNT - 1, bilingual=True)
    assert letter.body.endswith(compose(demo, language="ru", variant=(COUNT - 1) % ru_count).body)


def test_bilingual_in_russian_is_just_russian(campaign: Campaign) -> None:
    assert compose(campaign, language="ru", variant=3, bilingual=True) == compose(
        campaign, language="ru", variant=3
    )


def test_bilingual_without_russian_text_is_422(tmp_path: Path) -> None:
    english_only = CampaignRegistry.load(write_campaign(tmp_path, texts={"en": EN})).get("demo")
    with pytest.raises(Unprocessable) as caught:
        compose(english_only, bilingual=True)
    assert fields_of(caught) == ["bilingual"]
    assert compose(english_only, bilingual=False).body


def test_russian_text_fixture_is_what_the_tests_think() -> None:
    assert len(RU["subjects"]) == 6 and len(EN["subjects"]) == 5


# --- wordings without markup, worked out once at load ----------------------------------


def test_plain_wordings_are_rendered_once_at_load(campaign: Campaign) -> None:
    text = campaign.text("en")
    assert text.greetings[0].fixed == "Dear Ambassador,"
    assert text.paragraphs[1][0].fixed == "Middle one."
    assert text.paragraphs[0][0].fixed is None  # uses sender.city: rendered per letter


def test_fixed_text_is_what_jinja_renders(campaign: Campaign) -> None:
    sample = context("Sampletown", "Sampleland", "Embassytown", "Hostland", None)
    for text in campaign.texts.values():
        for axis in text.axes:
            for wording in axis:
                if wording.fixed is not None:
                    fresh = Wording(wording.where, wording.template)  # no fixed text
                    assert render_wording(fresh, sample) == wording.fixed


def test_a_comment_or_stray_spaces_still_make_a_plain_wording() -> None:
    env = make_environment()
    wording = compile_wording(env, "x", "  Dear   Sir {# for the author #}  ")
    assert wording.fixed == "Dear Sir"
    assert compile_wording(env, "y", "Dear {{ 'Sir' }}").fixed is None  # an expression
    assert compile_wording(env, "z", "{% raw %}{{ x }}{% endraw %}").fixed == "{{ x }}"


def test_fixed_lines_are_the_campaigns_own_lines_only(campaign: Campaign) -> None:
    assert {"Middle one.", "Respectfully,", "Тема А", "Середина три."} <= campaign.fixed_lines
    assert not any("{" in line for line in campaign.fixed_lines)
    assert not any(line.startswith("I write from") for line in campaign.fixed_lines)


def test_a_wording_with_markup_keeps_its_literals_in_order() -> None:
    env = make_environment()
    wording = compile_wording(env, "x", "I am writing to you{% if sender.city %} from the town "
                              "of {{ sender.city }}{% endif %}, about a case.\tTabbed text here"
                              " and {{ embassy.city }} and then the rest of it.")
    # Short ones, and one with a tab (tidied away in the letter), are not looked for.
    assert wording.literals == ("I am writing to you", " from the town of ",
                                " and then the rest of it.")
    assert compile_wording(env, "y", "Plain text long enough.").literals == ()  # fixed


def test_each_paragraph_comes_with_its_wording_s_literals(campaign: Campaign) -> None:
    for variant in range(0, COUNT, 17):
        for note in (None, "My own words"):
            letter = compose(campaign, variant=variant, note=note, bilingual=True)
            assert len(letter.known) == len(letter.parts)
            for part, known in zip(letter.parts, letter.known, strict=True):
                assert all(literal in part for literal in known)
    first = compose(campaign, variant=0)  # "I write from ... to the embassy in ..."
    assert first.known[1] == (" to the embassy in ",)


@pytest.mark.parametrize("source", ["{{ sender.__class__ }}", "{{ embassy.__slots__ }}",
                                    "{{ sender.__init__.__globals__ }}"])
def test_the_sandbox_still_guards_a_place_s_other_attributes(source: str) -> None:
    wording = compile_wording(make_environment(), "x", source)
    with pytest.raises(TemplateRenderError, match="unsafe"):
        render_wording(wording, context("Munich", "Germany", "Berlin", "Germany", None))


@pytest.mark.parametrize("source", [
    "{% for x in range(3) %}{{ x }}{% endfor %}{{ sender.city }}",
    "{% set n = namespace(k=1) %}{{ n.k }} {{ dict(a=1)['a'] }} {{ embassy.city|upper }}",
    "{% if gender == 'feminine' %}she{% else %}they{% endif %} in {{ sender.country }}",
])
def test_a_wording_renders_as_jinja_renders_its_template(source: str) -> None:
    wording = compile_wording(make_environment(), "x", source)
    values = context("Munich", None, "Berlin", "Germany", "feminine")
    assert wording.render(values) == wording.template.render(values)


@pytest.mark.parametrize("bilingual", [False, True])
def test_the_paragraphs_are_the_body(campaign: Campaign, bilingual: bool) -> None:
    letter = render(campaign, "en", SenderInput(name="Jane", city="Basel"), "Bern", "Switzerland",
                    note="Mine.\n\nTwo.", bilingual=bilingual)
    assert letter.parts and "\n\n".join(letter.parts) == letter.body
