"""The Jinja sandbox the campaign strings run in, and the checks each string passes at load.

Only campaign authors write templates; what a person types is passed in as context values
and never compiled. The sandbox still guards against a careless or hostile campaign file:
no attribute tricks (`''.__class__`), no mutation, and an unknown variable is an error
rather than a silently empty gap in a letter sent to an embassy.
"""

import dataclasses
import itertools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from jinja2 import StrictUndefined, TemplateError, meta, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

from app.campaigns.models import Wording

ALLOWED_VARIABLES = frozenset({"sender", "embassy", "gender"})
_SPACE_RUNS = re.compile(r"[ \t]{2,}")
_BLANK_RUNS = re.compile(r"\n{3,}")
_LEFTOVER = ("{{", "}}", "{%", "%}", "{#")


@dataclass(frozen=True, slots=True)
class Place:
    """`sender` and `embassy` in a template: attributes only, so a typo such as
    `sender.town` is a strict-undefined error (a dict would also expose `.items` & co.)."""

    city: str | None
    country: str | None


_PLACE_FIELDS = frozenset(f.name for f in dataclasses.fields(Place))


class LetterEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox, with a short way to `sender.city` and the like: a `Place`'s fields are
    strings or None, which the sandbox's checks (run on every access) always let through."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is Place and attribute in _PLACE_FIELDS:
            return getattr(obj, attribute)
        return super().getattr(obj, attribute)


class TemplateCheckError(ValueError):
    """A campaign string that does not compile or does not render; names file and key."""


class TemplateRenderError(RuntimeError):
    """A checked campaign string failed on real values: the campaign's fault, not the person's."""


def make_environment() -> LetterEnvironment:
    """Plain text (no HTML escaping); `None` prints as nothing instead of "None"."""
    return LetterEnvironment(
        undefined=StrictUndefined,
        autoescape=False,
        finalize=_finalize,
        keep_trailing_newline=False,
    )


# A template made of these nodes only is plain text: no variable, filter, call or tag.
_PLAIN_NODES = (nodes.Template, nodes.Output, nodes.TemplateData)
# A literal shorter than this is not worth its look-up in every letter (`Wording.literals`).
LITERAL_MIN = 16


def compile_wording(env: ImmutableSandboxedEnvironment, where: str, source: str) -> Wording:
    try:
        tree = env.parse(source)
        unknown = meta.find_undeclared_variables(tree) - ALLOWED_VARIABLES
        plain = all(isinstance(node, _PLAIN_NODES) for node in tree.find_all(nodes.Node))
        # From the tree just parsed, not the source: parsing it twice was ~0.02 s of a start.
        template = env.from_string(tree)
    except TemplateError as error:
        raise TemplateCheckError(f"{where}: does not compile: {error}") from error
    if unknown:
        names = ", ".join(sorted(unknown))
        raise TemplateCheckError(
            f"{where}: unknown variable(s) {names}; only {', '.join(sorted(ALLOWED_VARIABLES))}"
        )
    if plain:
        return Wording(where, template, fixed=_tidy(template.render()))
    return Wording(where, template, literals=_literals(tree))


def _literals(tree: nodes.Template) -> tuple[str, ...]:
    """The template's text between its markup, in source order, that can appear as it is
    within one line of the tidied letter: not one with a line break (the letter's lines are
    encoded one by one), a tab or a run of spaces (`_tidy` changes those)."""
    found = [node.data for node in tree.find_all(nodes.TemplateData)]
    return tuple(
        text for text in found
        if len(text) >= LITERAL_MIN and "\n" not in text and "\t" not in text and "  " not in text
    )


def render_wording(wording: Wording, context: Mapping[str, Any]) -> str:
    """Rendered and tidied: conditionals leave no double spaces or trailing blanks."""
    if wording.fixed is not None:
        return wording.fixed
    try:
        text = wording.render(context)
    except Exception as error:  # sandbox, strict-undefined and filter errors alike
        raise TemplateRenderError(f"{wording.where}: {error}") from error
    return _tidy(text)


def _tidy(text: str) -> str:
    if "\n" not in text and "  " not in text and "\t" not in text:
        return text.strip()  # one line, no run of spaces: all the steps below would do
    # The regexes only where they can match: searching for them cost more than the rest.
    lines = text.split("\n")
    if "  " in text or "\t" in text:  # a run of spaces and tabs has one or the other
        lines = [_SPACE_RUNS.sub(" ", line) for line in lines]
    tidied = "\n".join([line.strip() for line in lines])
    return (_BLANK_RUNS.sub("\n\n", tidied) if "\n\n\n" in tidied else tidied).strip()


def context(
    sender_city: str | None,
    sender_country: str | None,
    embassy_city: str,
    embassy_country: str,
    gender: str | None,
) -> dict[str, Any]:
    """The variables README.md promises, and only those."""
    return {
        "sender": Place(sender_city, sender_country),
        "embassy": Place(embassy_city, embassy_country),
        "gender": gender,
    }


def sample_contexts(genders: Sequence[str]) -> Iterator[dict[str, Any]]:
    """Every shape a real context can take: with and without city and country, each gender."""
    for city, country, gender in itertools.product(
        (None, "Sampletown"), (None, "Sampleland"), (None, *genders)
    ):
        yield context(city, country, "Embassytown", "Hostland", gender)


def check_wording(wording: Wording, genders: Sequence[str], one_line: bool) -> None:
    """Render with every sample context; it must give non-empty text with no leftover markup."""
    for sample in sample_contexts(genders):
        try:
            text = render_wording(wording, sample)
        except TemplateRenderError as error:
            raise TemplateCheckError(
                f"{wording.where}: does not render with {_describe(sample)}: {error.__cause__}"
            ) from error
        problem = _problem(text, one_line)
        if problem:
            raise TemplateCheckError(f"{wording.where}: {problem} with {_describe(sample)}")


def _problem(text: str, one_line: bool) -> str | None:
    if not text:
        return "renders empty"
    if one_line and "\n" in text:
        return "must render to a single line"
    if any(mark in text for mark in _LEFTOVER):
        return "leaves template markup in the text"
    return None


def _describe(sample: Mapping[str, Any]) -> str:
    sender = sample["sender"]
    return (
        f"sender.city={sender.city!r}, sender.country={sender.country!r}, "
        f"gender={sample['gender']!r}"
    )


def _finalize(value: object) -> object:
    return "" if value is None else value
