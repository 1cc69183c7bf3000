"""Cleaning what a person types, before it goes anywhere near a letter or a mail header.

Two shapes: a one-line value (name, city, subject) where a line break is an error, never
silently removed (in a subject it would be a header injection attempt or a paste
mistake, and the person should know); and multi-line text (note, body) whose paragraphs
are kept.
"""

import re
import unicodedata

from app.errors import Unprocessable

# Line breaks besides LF: in a one-line field they are rejected like LF; in text they
# become LF so a pasted paragraph from a word processor keeps its shape.
_BREAKS = "\r\n\x0b\x0c\x85\u2028\u2029"
_BREAK_RE = re.compile(r"\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
# Format characters that carry meaning in ordinary writing: ZWNJ/ZWJ shape Persian and
# Indic words and join emoji. Everything else in Cc/Cf (bidi overrides and isolates,
# BOM, soft hyphen, invisible marks) only hides or reorders what the reader sees.
_KEPT_FORMAT = frozenset("\u200c\u200d")
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_SPACES = re.compile(r"[^\S\n]+")
_BLANK_RUNS = re.compile(r"\n{3,}")


def clean_line(field: str, value: str, max_length: int | None = None) -> str:
    """A one-line value, trimmed and normalised; a line break or over the limit is a 422."""
    if value.isascii() and value.isprintable():
        cleaned = _plain_line(value)  # the usual value: a name, a city, on every letter
    else:
        # Every break is a non-printable character: a printable value has none.
        if not value.isprintable() and any(ch in _BREAKS for ch in value):
            raise Unprocessable.for_field(field, "must be a single line (no line breaks)")
        cleaned = _any_line(value)
    _check_length(field, cleaned, max_length)
    return cleaned


def _plain_line(value: str) -> str:
    """`_any_line` for printable ASCII, for a third of its instructions: nothing is invisible,
    it is NFC already, and " " is its only whitespace, so only runs of spaces change."""
    return (_SPACES.sub(" ", value) if "  " in value else value).strip()


def _any_line(value: str) -> str:
    kept = _strip_invisible(value.replace("\t", " "), keep="")
    return _SPACES.sub(" ", unicodedata.normalize("NFC", kept)).strip()


def clean_text(field: str, value: str, max_length: int | None = None) -> str:
    """Multi-line text: LF line ends, paragraphs kept, runs of blank lines made one."""
    unified = _BREAK_RE.sub("\n", value)
    kept = unicodedata.normalize("NFC", _strip_invisible(unified, keep="\t\n"))
    lines = [line.rstrip() for line in kept.split("\n")]
    cleaned = _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()
    _check_length(field, cleaned, max_length)
    return cleaned


def _strip_invisible(value: str, keep: str) -> str:
    if value.isprintable():
        return value  # no Cc, Cf or Cs character (the usual case): nothing to strip
    return "".join(ch for ch in value if ch in keep or not _invisible(ch))


def _invisible(ch: str) -> bool:
    if ch in _BIDI:
        return True
    # Cs: a lone surrogate can arrive through JSON escapes and cannot be encoded in UTF-8.
    category = unicodedata.category(ch)
    return category in ("Cc", "Cs") or (category == "Cf" and ch not in _KEPT_FORMAT)


def _check_length(field: str, value: str, max_length: int | None) -> None:
    if max_length is not None and len(value) > max_length:
        raise Unprocessable.for_field(
            field, f"at most {max_length} characters (this has {len(value)})"
        )
