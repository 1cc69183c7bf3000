"""The compose answer as JSON bytes, byte for byte what pydantic writes, written more cheaply.

`TypeAdapter(ComposeResponse).dump_json` was a sixth of a compose request. Two things make
it cheaper here, each exact (tests/letters/test_answer.py holds the bytes to pydantic's):

- The four links are most of the answer (each carries the whole letter, percent-encoded),
  and JSON escaping looks at every character. A percent-encoded link holds only what JSON
  leaves as it is (ASCII letters, digits, `-._~%` and the URL's own delimiters, see
  app/letters/links.py), so its JSON is the link between quotes.
- The embassy and the other ways in are the directory's own objects (immutable, shared by
  every letter to that embassy), so each one's JSON is written once and kept, keyed by the
  object itself. Nothing of the person's is in them.

The rest is pydantic's own serializer (`pydantic_core.to_json`, the escaping and the models'
serializers the whole answer would use) on the fields in the answer's order, in three
objects whose braces are cut off where the kept parts and the links go between them.
No e-mail on file (no links), or a link JSON must escape: pydantic writes the whole answer.
"""

from typing import Any, Final

from pydantic import TypeAdapter
from pydantic_core import to_json

from app.directory.models import Embassy
from app.letters.schemas import ComposeResponse, Links, OtherWay

ANSWER: Final = TypeAdapter(ComposeResponse)
_EMBASSY: Final = TypeAdapter(Embassy)
_OTHER_WAY: Final = TypeAdapter(OtherWay)

_LINK_FIELDS: Final = tuple(Links.model_fields)  # mailto, gmail, outlook, yahoo
# What comes before each link's value: `"mailto":"`, then `,"gmail":"` and so on.
_LINK_OPENERS: Final = tuple(
    f'{"," if at else ""}"{name}":"'.encode("ascii") for at, name in enumerate(_LINK_FIELDS)
)
# The answer's fields in the order written below; checked at import, so a field added to
# the model cannot silently go missing from the answer.
_FIELDS: Final = ("campaign_id", "language", "variant", "embassy", "reason", "to", "subject",
                  "body", "links", "warnings", "fallback", "other_ways", "send_by_platform")
if tuple(ComposeResponse.model_fields) != _FIELDS:
    raise RuntimeError("app/letters/answer.py does not write ComposeResponse's fields")

# JSON of the directory's objects, by identity; the object is kept with it, so an id is
# never reused for another. Bounded: cleared when full (a reloaded directory, say).
_KEPT: dict[int, tuple[Embassy | OtherWay, bytes]] = {}
_KEPT_MAX: Final = 4096


def answer_json(composed: ComposeResponse) -> bytes:
    """The answer's JSON, as `ANSWER.dump_json(composed)` writes it."""
    links = composed.links
    urls = [getattr(links, name) for name in _LINK_FIELDS]
    if not all(url is not None and _json_as_is(url) for url in urls):
        return ANSWER.dump_json(composed)  # no e-mail on file (no links), or JSON must escape
    head = to_json({"campaign_id": composed.campaign_id, "language": composed.language,
                    "variant": composed.variant})
    letter = to_json({"reason": composed.reason, "to": composed.to,
                      "subject": composed.subject, "body": composed.body})
    notes = to_json({"warnings": composed.warnings, "fallback": composed.fallback})
    ways = b",".join([_kept(way, _OTHER_WAY) for way in composed.other_ways])
    # Memoryview slices and one join: one copy of each part into the answer.
    parts: list[bytes | memoryview] = [
        memoryview(head)[:-1], b',"embassy":', _kept(composed.embassy, _EMBASSY), b",",
        memoryview(letter)[1:-1], b',"links":{',
    ]
    for opener, url in zip(_LINK_OPENERS, urls, strict=True):
        parts += [opener, url.encode("ascii"), b'"']
    parts += [b"},", memoryview(notes)[1:-1], b',"other_ways":[', ways,
              b'],"send_by_platform":', to_json(composed.send_by_platform), b"}"]
    return b"".join(parts)


def _kept(model: Embassy | OtherWay, adapter: TypeAdapter[Any]) -> bytes:
    """The JSON of one of the directory's objects, written once."""
    kept = _KEPT.get(id(model))
    if kept is not None and kept[0] is model:
        return kept[1]
    if len(_KEPT) >= _KEPT_MAX:
        _KEPT.clear()
    written = adapter.dump_json(model)
    _KEPT[id(model)] = (model, written)
    return written


def _json_as_is(url: str) -> bool:
    # isascii() reads a flag and `in` scans at C speed: cheap next to the escaping they spare.
    # A control character cannot be in a link: percent-encoding encodes every octet but the
    # unreserved ones, and the links' fixed parts have none (tests/letters/test_answer.py).
    return url.isascii() and '"' not in url and "\\" not in url
