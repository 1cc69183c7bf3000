"""One campaign + one person's inputs -> one letter. Pure: no clock, no I/O.

The campaign's strings are the only templates. The person's city and country enter them
as context values (Jinja never re-reads a value as source); the name and note are never
given to Jinja at all: the renderer appends them. So `{{ 7*7 }}` typed by a person is
printed as those characters.

Layout of the body:

    greeting

    paragraph 1

    paragraph 2 ...

    note intro          (only with a note: the intro line, the note right under it,
    the person's note    its own paragraphs kept)

    closing
    signature           (full: name, then city; initials: initials, then city)

`bilingual` appends "* * *" and the whole letter again in Russian (the same wording choice
on each list, see `matching_variant`), and the subject reads "<subject> / <Russian
subject>" so the embassy can file it either way.
"""

from collections.abc import Callable, Mapping
from operator import attrgetter, getitem
from typing import Any, NamedTuple, ParamSpec, TypeVar

from app.campaigns.models import (
    FIELD_PATHS,
    Campaign,
    FieldSpec,
    LanguageText,
    Letter,
    SenderInput,
    Signature,
)
from app.campaigns.signature import signature_block
from app.campaigns.templating import context, render_wording
from app.campaigns.text import clean_line, clean_text
from app.campaigns.variant import digits, number, stable_variant
from app.errors import FieldError, Unprocessable

T = TypeVar("T")
P = ParamSpec("P")

RUSSIAN = "ru"
SEPARATOR = "* * *"
# Limits for fields a campaign does not list; the name is always required.
DEFAULT_SPECS: Mapping[str, FieldSpec] = {
    "name": FieldSpec(required=True, max_length=100),
    "city": FieldSpec(max_length=100),
    "country": FieldSpec(max_length=100),
    "personal_note": FieldSpec(max_length=1000),
}
_LITERALS = attrgetter("literals")


class _Inputs(NamedTuple):
    """The person's values after cleaning and checking (a named tuple: built every letter,
    and cheaper to build than a frozen dataclass)."""

    name: str
    city: str | None
    country: str | None
    note: str | None
    gender: str | None


def render(
    campaign: Campaign,
    language: str,
    sender: SenderInput,
    embassy_city: str,
    embassy_country: str,
    note: str | None = None,
    variant: int | None = None,
    signature: Signature = "full",
    gender: str | None = None,
    bilingual: bool = False,
    *,
    russian_country_names: tuple[str | None, str] | None = None,
) -> Letter:
    """The letter, and the variant used (pass it back to get the same wording again).

    `sender.country` and `embassy_country` are country names already in `language`.
    `russian_country_names` = (sender country, embassy country) in Russian, for the
    Russian half of a bilingual letter; without it that half uses the names given above.
    """
    text = campaign.require_language(language)
    inputs = _checked_inputs(campaign, language, sender, note, gender, signature, bilingual)
    chosen = variant % text.variant_count if variant is not None else _derived(
        campaign, language, inputs, text.variant_count
    )
    signed = signature_block(inputs.name, inputs.city, signature)
    values = context(inputs.city, inputs.country, embassy_city, embassy_country, inputs.gender)
    subject, parts, known = _compose(text, chosen, values, inputs.note, signed)
    if bilingual and language != RUSSIAN:
        ru = campaign.texts[RUSSIAN]
        country, host = russian_country_names or (inputs.country, embassy_country)
        ru_values = context(inputs.city, country, embassy_city, host, inputs.gender)
        ru_variant = matching_variant(chosen, text, ru)
        ru_subject, ru_parts, ru_known = _compose(ru, ru_variant, ru_values, inputs.note, signed)
        subject, parts = f"{subject} / {ru_subject}", [*parts, SEPARATOR, *ru_parts]
        known = [*known, (), *ru_known]
    return Letter(subject=subject, body="\n\n".join(parts), language=language, variant=chosen,
                  parts=tuple(parts), known=tuple(known))


def matching_variant(variant: int, source: LanguageText, target: LanguageText) -> int:
    """The variant of `target` with the same wording choice as `variant` of `source`.

    Where both have the same lists, each list keeps its index (wrapped where the target
    has fewer wordings), so the Russian half reads like the first even when one language
    has more subjects. Otherwise (a different number of paragraphs) the lists do not line
    up and `variant % count` is the best there is.
    """
    if len(source.radices) != len(target.radices):
        return variant % target.variant_count
    picked = digits(variant, source.radices)
    return number([i % r for i, r in zip(picked, target.radices, strict=True)], target.radices)


def _derived(campaign: Campaign, language: str, inputs: _Inputs, count: int) -> int:
    # From the cleaned values, so stray spaces or a pasted BOM do not change the letter.
    parts = (campaign.id, language, inputs.name, inputs.city or "", inputs.note or "")
    return stable_variant(count, *parts)


def _compose(
    text: LanguageText, variant: int, values: Mapping[str, Any], note: str | None, signed: str
) -> tuple[str, list[str], list[tuple[str, ...]]]:
    """The subject, the body's paragraphs (joined by a blank line, they are the body), and
    for each paragraph the literals of the wording it was rendered from (`Letter.known`)."""
    subject_at, greeting_at, *paragraph_at, closing_at, intro_at = digits(variant, text.radices)
    # map() over C callables where it can: built every letter, a comprehension costs more.
    used = [text.greetings[greeting_at], *map(getitem, text.paragraphs, paragraph_at)]
    parts = [render_wording(wording, values) for wording in used]
    if note:
        intro = text.note_intros[intro_at]
        parts.append(f"{render_wording(intro, values)}\n{note}")
        used.append(intro)
    closing = text.closings[closing_at]
    parts.append(f"{render_wording(closing, values)}\n{signed}")
    used.append(closing)
    known = list(map(_LITERALS, used))
    # A paragraph whose conditionals all failed must not leave a hole in the letter.
    if not all(map(str.strip, parts)):
        known = [k for part, k in zip(parts, known, strict=True) if part.strip()]
        parts = [part for part in parts if part.strip()]
    return render_wording(text.subjects[subject_at], values), parts, known


def _checked_inputs(
    campaign: Campaign,
    language: str,
    sender: SenderInput,
    note: str | None,
    gender: str | None,
    signature: Signature,
    bilingual: bool,
) -> _Inputs:
    """Every field checked, every problem reported at once (one error item per field)."""
    fine = signature in ("full", "initials") and not (
        bilingual and language != RUSSIAN and RUSSIAN not in campaign.texts
    )
    if fine:  # the usual case first, without the bookkeeping that collects every problem
        try:
            name = _line(campaign, "name", sender.name)
            assert name is not None  # required: _line raised otherwise
            return _Inputs(
                name,
                _line(campaign, "city", sender.city),
                _line(campaign, "country", sender.country),
                _note(campaign, note),
                _gender(campaign, gender),
            )
        except Unprocessable:
            pass  # checked again below, to report every problem at once
    checks = _Checks()
    name = checks.run(_line, campaign, "name", sender.name)
    city = checks.run(_line, campaign, "city", sender.city)
    country = checks.run(_line, campaign, "country", sender.country)
    cleaned_note = checks.run(_note, campaign, note)
    chosen_gender = checks.run(_gender, campaign, gender)
    errors = checks.errors
    if signature not in ("full", "initials"):
        errors.append(FieldError("signature", "must be 'full' or 'initials'"))
    if bilingual and language != RUSSIAN and RUSSIAN not in campaign.texts:
        errors.append(FieldError("bilingual", "this campaign has no Russian text"))
    if errors:
        raise Unprocessable.for_fields(errors)
    assert name is not None  # required: _line raised otherwise
    return _Inputs(name, city, country, cleaned_note, chosen_gender)


class _Checks:
    """Runs each check, keeping what it raises, so that every problem is reported at once."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def run(self, check: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T | None:
        try:
            return check(*args, **kwargs)
        except Unprocessable as error:
            self.errors.extend(error.errors)
            return None


def _spec(campaign: Campaign, key: str) -> FieldSpec:
    spec = campaign.field(key) or DEFAULT_SPECS[key]
    if spec.max_length is None:  # listed without a limit: keep the built-in one
        spec = FieldSpec(spec.required, DEFAULT_SPECS[key].max_length, spec.options)
    return spec


def _line(campaign: Campaign, key: str, value: str | None) -> str | None:
    spec, field = _spec(campaign, key), FIELD_PATHS[key]
    cleaned = clean_line(field, value, spec.max_length) if value is not None else ""
    if not cleaned and (spec.required or key == "name"):
        raise Unprocessable.for_field(field, "is required")
    return cleaned or None


def _note(campaign: Campaign, note: str | None) -> str | None:
    spec, field = _spec(campaign, "personal_note"), FIELD_PATHS["personal_note"]
    cleaned = clean_text(field, note, spec.max_length) if note is not None else ""
    if not cleaned and spec.required:
        raise Unprocessable.for_field(field, "is required")
    return cleaned or None


def _gender(campaign: Campaign, gender: str | None) -> str | None:
    spec, field = campaign.field("gender"), FIELD_PATHS["gender"]
    options = (spec.options or ()) if spec else ()
    value = gender.strip() if gender is not None else ""
    if not value:
        if spec is not None and spec.required:
            raise Unprocessable.for_field(field, f"is required; one of {', '.join(options)}")
        return None
    if value not in options:
        allowed = f"one of {', '.join(options)}" if options else "not asked by this campaign"
        raise Unprocessable.for_field(field, f"{value[:40]!r} is not accepted; {allowed}")
    return value
