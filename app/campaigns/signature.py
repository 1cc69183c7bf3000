"""The signature block under a letter: the full name, or initials for people at risk."""

import unicodedata

from app.errors import Unprocessable


def signature_block(name: str, city: str | None, style: str) -> str:
    """`full`: the name, then the city; `initials`: the initials, then the city."""
    if style == "full":
        first = name
    elif style == "initials":
        first = initials(name)
        if not first:
            raise Unprocessable.for_field(
                "sender.name", "has no letters to make initials from; use the full signature"
            )
    else:
        raise Unprocessable.for_field("signature", "must be 'full' or 'initials'")
    return f"{first}\n{city}" if city else first


def initials(name: str) -> str:
    """ "Jane Doe" -> "J. D.", "Jean-Luc Picard" -> "J.-L. P.", "Анна Петрова" -> "А. П.".

    One initial per word, hyphenated words keep their hyphen; words without a letter or
    digit ("&", "—") give none. Works on any script: the first letter plus its combining
    marks, uppercased where the script has case.
    """
    words = (_word_initial(word) for word in name.split())
    return " ".join(word for word in words if word)


def _word_initial(word: str) -> str:
    parts = (_first_letter(part) for part in word.split("-"))
    letters = [f"{part}." for part in parts if part]
    return "-".join(letters)


def _first_letter(part: str) -> str:
    for index, ch in enumerate(part):
        if unicodedata.category(ch)[0] in "LN":
            marks = _marks_after(part, index + 1)
            upper = ch.upper()
            # "ß".upper() is "SS": an initial is one letter, so keep such letters as they are.
            return (upper if len(upper) == 1 else ch) + marks
    return ""


def _marks_after(part: str, start: int) -> str:
    end = start
    while end < len(part) and unicodedata.category(part[end]).startswith("M"):
        end += 1
    return part[start:end]
