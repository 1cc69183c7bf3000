"""What a campaign is once loaded, and the letter it produces.

Immutable value objects: the registry builds them once at start-up and every request
reads them concurrently, so nothing here may change after construction.
"""

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, NamedTuple, TypeVar

from jinja2 import Template

from app.errors import Gone, Unprocessable

T = TypeVar("T")
CampaignStatus = Literal["active", "closed"]
Signature = Literal["full", "initials"]

# The API names fields by their place in the request body; campaign.toml names them
# by what they mean. One table keeps error messages pointing where the client can fix.
FIELD_PATHS: Mapping[str, str] = {
    "name": "sender.name",
    "city": "sender.city",
    "country": "sender.country",
    "personal_note": "personal_note",
    "gender": "sender.gender",
}


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One personalisation field a campaign accepts, with its limits."""

    required: bool = False
    max_length: int | None = None
    options: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Wording:
    """One compiled campaign string; `where` names its file and key for error messages.

    `fixed` is the rendered, tidied text of a string with no template markup at all (most
    wordings): it is the same for every letter, so it is worked out once at load.
    `literals` are, of a string with markup, its text between the markup, in order (those
    worth looking for, see templating.compile_wording): the same in every letter rendered
    from it, around the person's values (`known_pieces`).
    """

    where: str
    template: Template
    fixed: str | None = None
    literals: tuple[str, ...] = ()

    def render(self, context: Mapping[str, Any]) -> str:
        # What `template.render` does, with the environment's globals (`range` & co.) merged
        # from its plain dict: the template's own view of them is a ChainMap, walked in Python
        # on every render. (Strings compiled with `from_string` have no globals of their own.)
        template, env = self.template, self.template.environment
        namespace = env.context_class(
            env, {**env.globals, **context}, template.name, template.blocks
        )
        return "".join(template.root_render_func(namespace))


@dataclass(frozen=True, slots=True)
class LanguageText:
    """A campaign's letter in one language, every string compiled once."""

    language: str
    title: str
    summary: str
    subjects: tuple[Wording, ...]
    greetings: tuple[Wording, ...]
    paragraphs: tuple[tuple[Wording, ...], ...]
    closings: tuple[Wording, ...]
    note_intros: tuple[Wording, ...]

    @property
    def axes(self) -> tuple[tuple[Wording, ...], ...]:
        """The lists a variant picks from, in mixed-radix order (least significant first)."""
        return (self.subjects, self.greetings, *self.paragraphs, self.closings, self.note_intros)

    # Worked out once here: every compose reads them, and the lists never change.
    radices: tuple[int, ...] = field(init=False)
    variant_count: int = field(init=False)

    def __post_init__(self) -> None:
        radices = tuple(len(axis) for axis in self.axes)
        object.__setattr__(self, "radices", radices)
        object.__setattr__(self, "variant_count", math.prod(radices))


@dataclass(frozen=True, slots=True)
class Campaign:
    id: str
    status: CampaignStatus
    starts_at: datetime
    ends_at: datetime | None
    default_language: str
    editable: bool
    fields: Mapping[str, FieldSpec]
    texts: Mapping[str, LanguageText]
    # Whether "send it for me" (POST /v1/letters) is offered; a campaign may want only
    # letters people send from their own mailbox.
    platform_send: bool = True
    # Every line of every wording with no markup, in all languages: text that is the
    # campaign's own in any letter, never the person's (links keep its encoding).
    fixed_lines: frozenset[str] = field(init=False)
    # The languages it is written in, sorted: read by every compose, worked out once.
    languages: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        lines = {
            line
            for text in self.texts.values()
            for axis in text.axes
            for wording in axis
            if wording.fixed is not None
            for line in wording.fixed.split("\n")
        }
        object.__setattr__(self, "fixed_lines", frozenset(lines))
        object.__setattr__(self, "languages", tuple(sorted(self.texts)))

    def text(self, language: str) -> LanguageText:
        return self.texts[language]

    def title(self, language: str) -> str:
        return self.texts[language].title

    def summary(self, language: str) -> str:
        return self.texts[language].summary

    def field(self, name: str) -> FieldSpec | None:
        return self.fields.get(name)

    def is_open(self, now: datetime) -> bool:
        """Open from `starts_at` until `ends_at` (exclusive) unless closed by hand."""
        moment = _aware(now)
        if self.status == "closed" or moment < self.starts_at:
            return False
        return self.ends_at is None or moment < self.ends_at

    def status_at(self, now: datetime) -> CampaignStatus:
        """The status a client should see: an expired campaign reads as closed."""
        return "active" if self.is_open(now) else "closed"

    def require_open(self, now: datetime) -> None:
        if not self.is_open(now):
            raise Gone(f"The campaign {self.id!r} is not open for letters.")

    def require_language(self, language: str) -> LanguageText:
        if language not in self.texts:
            supported = ", ".join(self.languages)
            raise Unprocessable.for_field(
                "language", f"{language!r} is not available; supported: {supported}"
            )
        return self.texts[language]


class SenderInput(NamedTuple):
    """The person, as typed. `country` is the country's name already in the letter's language.
    A named tuple: built every letter, for two thirds of a frozen dataclass's instructions."""

    name: str
    city: str | None = None
    country: str | None = None


@dataclass(frozen=True, slots=True)
class Letter:
    subject: str
    body: str
    language: str
    variant: int
    # The body's paragraphs as rendered ("\n\n".join(parts) is the body), the campaign's
    # own wordings among them as the very strings it holds: the links encode those once.
    # Empty when the body is not the rendered one (the person's own edit).
    parts: tuple[str, ...] = field(default=(), compare=False, repr=False)
    # For each of `parts`, the campaign's text it may hold besides whole lines (the literals
    # of the wording rendered into it, `Wording.literals`); empty with `parts`, or for none.
    known: tuple[tuple[str, ...], ...] = field(default=(), compare=False, repr=False)


def is_paragraphs(parts: Sequence[str], body: str) -> bool:
    """Whether `parts` are `body`'s paragraphs (`Letter.parts`), checked rather than trusted:
    what is worked out from them (links, JSON) must be what the body itself gives."""
    return bool(parts) and "\n\n".join(parts) == body


def each_known(
    parts: Sequence[str], known: Sequence[Sequence[str]]
) -> Sequence[Sequence[str]]:
    """`Letter.known` for `parts`, one entry for each; none for any when they do not pair up
    (a letter from elsewhere)."""
    return known if len(known) == len(parts) else ((),) * len(parts)


def known_pieces(
    text: str, known: Sequence[str], fresh: Callable[[str], T], kept: Callable[[str], T]
) -> list[T]:
    """`text` cut into consecutive pieces, each given to `kept` when it is one of `known`
    (the campaign's own text, whose encoding `kept` may keep) and to `fresh` otherwise.

    Each of `known` is looked for, in order, after the previous piece found; one not found is
    skipped. Whatever is found where, the pieces are `text` in order, so for an encoding that
    works character by character (percent-encoding, JSON escapes) the pieces' encodings
    joined are the text's. Nothing but `known` (never the person's values) reaches `kept`.
    """
    pieces: list[T] = []
    at = 0
    for literal in known:
        found = text.find(literal, at)
        if found < 0:
            continue
        if found > at:
            pieces.append(fresh(text[at:found]))
        pieces.append(kept(literal))
        at = found + len(literal)
    if at < len(text):
        pieces.append(fresh(text[at:] if at else text))
    return pieces


def _aware(moment: datetime) -> datetime:
    # A naive datetime from a caller means UTC: comparing naive with aware would raise.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
