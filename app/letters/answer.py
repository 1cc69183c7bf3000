"""The compose answer as JSON bytes, byte for byte what pydantic writes, written more cheaply.

`TypeAdapter(ComposeResponse).dump_json(composed.response())` was a quarter of a compose
request, building the answer's models included. It is written here from what compose worked
out (`Composed`), without those models; each shortcut is exact (tests/letters/test_answer.py
holds the bytes to pydantic's):

- JSON escapes character by character, so a string's JSON is its pieces' JSON joined (the
  quotes left off), and pydantic's serializer (`pydantic_core.to_json`) escapes at about
  ten instructions a character. So each string is escaped once, in pieces where pieces are
  known: the body paragraph by paragraph, the campaign's own paragraphs escaped once and
  kept (never the person's); the fallback's text, the subject and the body again, reuses
  theirs.
- The four links are most of the answer (each carries the whole letter, percent-encoded).
  A percent-encoded link holds only what JSON leaves as it is (ASCII letters, digits, `-._~%`
  and the URL's own delimiters, see app/letters/links.py), so its JSON is the link between
  quotes.
- The embassy and the other ways in are the directory's objects, and the warnings about its
  addresses are worked out once per embassy and day (`reach` in app/letters/compose.py): all
  immutable and shared by every letter to that embassy, so each one's JSON is written once
  and kept, keyed by the object itself, and so are the lists of them a `Reach` holds,
  joined. Nothing of the person's is in them.
- A link warning's JSON but its message (which gives the letter's lengths) is kept per
  set of failing clients, a handful: only the message is written for each letter.

No e-mail on file (no links), or a link JSON must escape: pydantic writes the whole answer.
"""

from collections.abc import Callable
from functools import lru_cache
from typing import Final, TypeVar, cast

from pydantic import BaseModel, TypeAdapter
from pydantic_core import to_json

from app.campaigns.models import is_paragraphs
from app.directory.models import Embassy
from app.letters.compose import Composed, Reach
from app.letters.link_plan import LinkWarning
from app.letters.schemas import ComposeResponse, Fallback, Links, OtherWay, PlatformSend, Warning

ANSWER: Final = TypeAdapter(ComposeResponse)
_EMBASSY: Final = TypeAdapter(Embassy)
_OTHER_WAY: Final = TypeAdapter(OtherWay)
_WARNING: Final = TypeAdapter(Warning)

# The answer's fields, and those of the parts written here, in the order written below;
# checked at import, so a field added to a model cannot silently go missing from the answer.
_FIELDS: Final[dict[type[BaseModel], tuple[str, ...]]] = {
    ComposeResponse: ("campaign_id", "language", "variant", "embassy", "reason", "to",
                      "subject", "body", "links", "warnings", "fallback", "other_ways",
                      "send_by_platform"),
    Links: ("mailto", "gmail", "outlook", "yahoo"),
    Warning: ("code", "message", "links", "clients"),
    Fallback: ("mailto", "text"),
    PlatformSend: ("possible", "reason"),
}
if any(tuple(model.model_fields) != fields for model, fields in _FIELDS.items()):
    raise RuntimeError("app/letters/answer.py does not write ComposeResponse's fields")

# JSON of the directory's objects, by identity; the object is kept with it, so an id is
# never reused for another. Bounded: cleared when full (a reloaded directory, say).
_KEPT: dict[int, tuple[object, object]] = {}
_KEPT_MAX: Final = 4096

Piece = bytes | memoryview
K = TypeVar("K")
J = TypeVar("J")


def answer_json(composed: Composed) -> bytes:
    """The answer's JSON, as `ANSWER.dump_json(composed.response())` writes it."""
    links, plan = composed.links, composed.plan
    if links is None or plan is None:
        return ANSWER.dump_json(composed.response())  # no e-mail on file: no links
    urls = (links.mailto, links.gmail, links.outlook, links.yahoo)
    fallback = plan.fallback
    if not all(map(_json_as_is, urls)) or (fallback and not _json_as_is(fallback.mailto)):
        return ANSWER.dump_json(composed.response())  # a link JSON must escape
    letter, reached = composed.letter, composed.reach
    head = to_json({"campaign_id": composed.campaign_id, "language": composed.language,
                    "variant": letter.variant})
    sent = to_json({"reason": composed.reason, "to": reached.chosen.to})
    subject, body = _inner(letter.subject), _body(letter.body, letter.parts, composed.fixed)
    # Memoryview slices and one join: one copy of each piece into the answer.
    parts: list[Piece] = [
        memoryview(head)[:-1], b',"embassy":', _kept(composed.embassy, _EMBASSY.dump_json), b",",
        memoryview(sent)[1:-1], b',"subject":"', subject, b'","body":"', *body,
        b'","links":{"mailto":"', urls[0].encode("ascii"),
        b'","gmail":"', urls[1].encode("ascii"), b'","outlook":"', urls[2].encode("ascii"),
        b'","yahoo":"', urls[3].encode("ascii"), b'"},"warnings":[',
    ]
    notes, ways = _kept(reached, _reach_json)
    warnings = [_link_warning(w) for w in plan.warnings]
    parts += [b",".join([notes, *warnings] if notes else warnings), b'],"fallback":']
    if fallback is None:
        parts.append(b"null")
    else:
        # The text is the subject, a blank line and the body (link_plan.letter_text).
        text = ([subject, b"\\n\\n", *body] if _joined(fallback.text, letter.subject, letter.body)
                else [_inner(fallback.text)])
        parts += [b'{"mailto":"', fallback.mailto.encode("ascii"), b'","text":"', *text, b'"}']
    parts += [b',"other_ways":[', ways, b'],"send_by_platform":', _platform(*composed.platform),
              b"}"]
    return b"".join(parts)


def _inner(text: str) -> memoryview:
    """`text`'s JSON without its quotes."""
    return memoryview(to_json(text))[1:-1]


def _body(body: str, parts: tuple[str, ...], fixed: frozenset[str]) -> list[Piece]:
    """The body's JSON without its quotes, in pieces: paragraph by paragraph when `parts` are
    its paragraphs, those that are one of the campaign's lines escaped once for all letters."""
    if not is_paragraphs(parts, body):
        return [_inner(body)]
    pieces: list[Piece] = []
    for part in parts:
        if pieces:
            pieces.append(b"\\n\\n")
        pieces.append(_fixed(part) if part in fixed else _inner(part))
    return pieces


@lru_cache(maxsize=8192)  # only ever campaign wording, which is loaded once: bounded anyway
def _fixed(line: str) -> bytes:
    return to_json(line)[1:-1]


def _joined(text: str, subject: str, body: str) -> bool:
    """Whether `text` is `subject`, a blank line, then `body` (compared, not built)."""
    cut = len(subject)
    return (len(text) == cut + 2 + len(body) and text.startswith(subject)
            and text.startswith("\n\n", cut) and text.endswith(body))


def _link_warning(warning: LinkWarning) -> bytes:
    # As Warning's serializer writes it: the same fields in the same order, tuples as lists.
    head, tail = _warning_frame(warning.code, warning.links, warning.clients)
    return b"".join((head, to_json(warning.message), tail))


@lru_cache(maxsize=256)  # a code and which links and clients fail: at most 2**7 sets
def _warning_frame(
    code: str, links: tuple[str, ...], clients: tuple[str, ...]
) -> tuple[bytes, bytes]:
    """A link warning's JSON around its message (which has the letter's lengths in it)."""
    head = to_json({"code": code})[:-1] + b',"message":'
    return head, b',"links":' + to_json(links) + b',"clients":' + to_json(clients) + b"}"


@lru_cache(maxsize=16)  # a flag and a reason code: a handful of answers
def _platform(possible: bool, reason: str | None) -> bytes:
    return to_json({"possible": possible, "reason": reason})


def _kept(thing: K, write: Callable[[K], J]) -> J:
    """What `write` gives for one of the directory's objects (or a `Reach` of them), written
    once: they are immutable, and shared by every letter to that embassy."""
    kept = _KEPT.get(id(thing))
    if kept is not None and kept[0] is thing:
        return cast(J, kept[1])
    if len(_KEPT) >= _KEPT_MAX:
        _KEPT.clear()
    written = write(thing)
    _KEPT[id(thing)] = (thing, written)
    return written


def _reach_json(reached: Reach) -> tuple[bytes, bytes]:
    """The warnings about an embassy's addresses and its other ways in, each list's items'
    JSON joined by commas: the same for every letter with that `Reach` (see `reach`)."""
    notes = b",".join([_kept(note, _WARNING.dump_json) for note in reached.notes])
    return notes, b",".join([_kept(way, _OTHER_WAY.dump_json) for way in reached.other_ways])


def _json_as_is(url: str) -> bool:
    # isascii() reads a flag and `in` scans at C speed: cheap next to the escaping they spare.
    # A control character cannot be in a link: percent-encoding encodes every octet but the
    # unreserved ones, and the links' fixed parts have none (tests/letters/test_answer.py).
    return url.isascii() and '"' not in url and "\\" not in url
