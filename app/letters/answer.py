"""The compose answer as JSON bytes: pydantic's serialization, with the links written directly.

The four links are most of the answer (each carries the whole letter, percent-encoded), and
pydantic looks at every character of a string for what JSON must escape: the links were
half of serializing an answer. A percent-encoded link holds only what JSON leaves as it is
(ASCII letters, digits, `-._~%` and the URL's own delimiters, see app/letters/links.py),
so its JSON is the link between quotes. The rest of the answer is pydantic's, in two parts
around the links; joined, the three are byte for byte `TypeAdapter(ComposeResponse)
.dump_json` (tests/letters/test_answer.py holds them to it).
"""

from typing import Final

from pydantic import TypeAdapter

from app.letters.schemas import ComposeResponse, Links

ANSWER: Final = TypeAdapter(ComposeResponse)

_FIELDS: Final = tuple(ComposeResponse.model_fields)
_LINKS_AT: Final = _FIELDS.index("links")
_BEFORE_LINKS: Final = set(_FIELDS[:_LINKS_AT])  # a set: what `include` takes
_AFTER_LINKS: Final = set(_FIELDS[_LINKS_AT + 1 :])
_LINK_FIELDS: Final = tuple(Links.model_fields)  # mailto, gmail, outlook, yahoo
# What comes before each link's value: `"mailto":"`, then `,"gmail":"` and so on.
_LINK_OPENERS: Final = tuple(
    f'{"," if at else ""}"{name}":"'.encode("ascii") for at, name in enumerate(_LINK_FIELDS)
)


def answer_json(composed: ComposeResponse) -> bytes:
    """The answer's JSON, as `ANSWER.dump_json(composed)` writes it."""
    links = composed.links
    urls = [getattr(links, name) for name in _LINK_FIELDS]
    if not all(url is not None and _json_as_is(url) for url in urls):
        return ANSWER.dump_json(composed)  # no e-mail on file (no links), or JSON must escape
    before = ANSWER.dump_json(composed, include=_BEFORE_LINKS)  # {"campaign_id":…,"body":…}
    after = ANSWER.dump_json(composed, include=_AFTER_LINKS)  # {"warnings":…}
    # One copy of each link into the answer: memoryview slices and one join, no copy between.
    parts: list[bytes | memoryview] = [memoryview(before)[:-1], b',"links":{']
    for opener, url in zip(_LINK_OPENERS, urls, strict=True):
        parts += [opener, url.encode("ascii"), b'"']
    parts += [b"},", memoryview(after)[1:]]
    return b"".join(parts)


def _json_as_is(url: str) -> bool:
    # isascii() reads a flag and `in` scans at C speed: cheap next to the escaping they spare.
    # A control character cannot be in a link: percent-encoding encodes every octet but the
    # unreserved ones, and the links' fixed parts have none (tests/letters/test_answer.py).
    return url.isascii() and '"' not in url and "\\" not in url
