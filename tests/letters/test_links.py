"""The compose links: RFC 6068 `mailto:` and the Gmail, Outlook and Yahoo compose URLs."""

import re
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.letters.links import (
    Links,
    MailtoParts,
    ascii_address,
    build_links,
    decode_mailto,
    encode,
    encode_known,
    encode_text,
    lf_line_breaks,
    mailto_url,
)

WEB_SUBJECT_PARAM = {"gmail": "su", "outlook": "subject", "yahoo": "subject"}

# ---------------------------------------------------------------- helpers


def web_fields(url: str) -> dict[str, list[str]]:
    """A webmail URL's query, decoded by the standard library (as the webmail server would)."""
    return parse_qs(urlsplit(url).query, keep_blank_values=True, strict_parsing=True)


def web_links(links: Links) -> dict[str, str]:
    return {"gmail": links.gmail, "outlook": links.outlook, "yahoo": links.yahoo}


# The only characters a link may hold outside %XX: RFC 3986 unreserved plus the delimiters we
# put there ourselves ("@" and "," in mailto addresses; ":/?&=" of the URL shape).
MAILTO_SHAPE = re.compile(r"mailto:(?:[A-Za-z0-9\-._~@,?&=]|%[0-9A-F]{2})*")
WEB_SHAPE = re.compile(r"https://[a-z.]+/[a-z0-9/]*\?(?:[A-Za-z0-9\-._~&=]|%[0-9A-F]{2})*")

# ---------------------------------------------------------------- strategies

NO_BREAKS = st.characters(
    exclude_categories=["Cs"],  # lone surrogates are not text
    exclude_characters="\r\n\x00",
)
# Fragments that break naive encoders: delimiters, text that looks already encoded, emoji
# (a ZWJ sequence too), RTL letters and marks, Cyrillic, umlauts, a Unicode line separator.
TRICKY = st.sampled_from(
    [
        *"&=#%+?;/,@ ~*'!$()[]",
        *["%20", "%0D%0A", "+%2B", "😀", "👩\u200d⚖\ufe0f", "שלום", "ل", "\u200f", "\u202e"],
        *["д", "ü", "ß", "€", "\u2028", "\t"],
    ]
)
BREAKS = st.sampled_from(["\n", "\r\n", "\r"])


def texts(
    *parts: st.SearchStrategy[str], min_size: int = 0, max_size: int
) -> st.SearchStrategy[str]:
    return st.lists(st.one_of(*parts), min_size=min_size, max_size=max_size).map("".join)


one_line = texts(TRICKY, NO_BREAKS, max_size=60)
body_text = texts(TRICKY, NO_BREAKS, BREAKS, max_size=200)

# IDNA-valid label characters (PVALID in IDNA 2008): ASCII, German, Cyrillic.
LABEL_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789äöüßéабвгдежзийклмнопрстуфхцчшщыэюя"
label = st.text(st.sampled_from(LABEL_CHARS), min_size=1, max_size=12)
domain = st.builds(
    lambda labels, tld: ".".join([*labels, tld]),
    st.lists(label, min_size=1, max_size=2),
    st.sampled_from(["de", "ru", "рф"]),
)
local_part = texts(TRICKY, NO_BREAKS, min_size=1, max_size=15)
address = st.builds(lambda local, dom: f"{local}@{dom}", local_part, domain)
addresses = st.lists(address, min_size=1, max_size=3)

# ---------------------------------------------------------------- round trips


@settings(max_examples=200)
@given(to=addresses, cc=st.lists(address, max_size=2), subject=one_line, body=body_text)
def test_mailto_round_trips_exactly(to: list[str], cc: list[str], subject: str, body: str) -> None:
    links = build_links(to, subject, body, cc)

    decoded = decode_mailto(links.mailto)

    assert decoded == MailtoParts(
        to=[ascii_address(a) for a in to],
        subject=subject,
        body=lf_line_breaks(body),
        cc=[ascii_address(a) for a in cc],
    )


@settings(max_examples=200)
@given(to=addresses, cc=st.lists(address, max_size=2), subject=one_line, body=body_text)
def test_webmail_links_round_trip_exactly(
    to: list[str], cc: list[str], subject: str, body: str
) -> None:
    links = build_links(to, subject, body, cc)

    for name, url in web_links(links).items():
        fields = web_fields(url)
        assert fields["to"] == [",".join(ascii_address(a) for a in to)], name
        assert fields[WEB_SUBJECT_PARAM[name]] == [subject], name
        assert fields["body"] == [lf_line_breaks(body)], name
        assert fields.get("cc") == ([",".join(ascii_address(a) for a in cc)] if cc else None)


@settings(max_examples=200)
@given(to=addresses, subject=one_line, body=body_text)
def test_every_link_is_strictly_encoded(to: list[str], subject: str, body: str) -> None:
    links = build_links(to, subject, body)

    assert MAILTO_SHAPE.fullmatch(links.mailto)
    for url in web_links(links).values():
        assert WEB_SHAPE.fullmatch(url)
    for url in links.as_dict().values():
        assert "+" not in url and " " not in url


# ---------------------------------------------------------------- the encoder itself


@settings(max_examples=300)
@given(value=texts(TRICKY, NO_BREAKS, BREAKS, max_size=200))
def test_encode_is_the_standard_librarys_quote_with_nothing_safe(value: str) -> None:
    # encode() is a table in C for speed; urllib's quote is the reference it must match.
    assert encode(value) == quote(value, safe="")


@settings(max_examples=300)
@given(value=st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=64))
def test_encode_of_long_printable_ascii_is_quote_too(value: str) -> None:
    # ASCII text is encoded by replacing, not by the table: the same output.
    assert encode(value) == quote(value, safe="")


def test_encode_keeps_exactly_the_unreserved_characters() -> None:
    every_ascii = "".join(map(chr, range(128)))
    assert encode(every_ascii) == quote(every_ascii, safe="")
    printable = "".join(map(chr, range(0x20, 0x7F))) * 2  # long enough to be replaced
    assert encode(printable) == quote(printable, safe="")
    assert encode("AZaz09-._~") == "AZaz09-._~"
    assert encode("é€😀") == "%C3%A9%E2%82%AC%F0%9F%98%80"


def test_encode_refuses_a_lone_surrogate_like_quote() -> None:
    with pytest.raises(UnicodeEncodeError):
        encode("a\ud800b")


@settings(max_examples=200)
@given(text=texts(TRICKY, NO_BREAKS, st.just("\n"), max_size=200), data=st.data())
def test_encode_text_with_known_lines_is_plain_encode(text: str, data: st.DataObject) -> None:
    lines = text.split("\n")
    fixed = frozenset(data.draw(st.lists(st.sampled_from(lines), max_size=len(lines))))
    assert encode_text(text, fixed) == encode(text) == encode_text(text)


@settings(max_examples=200)
@given(to=addresses, cc=st.lists(address, max_size=2), subject=one_line, body=body_text)
def test_fixed_lines_change_no_link(to: list[str], cc: list[str], subject: str, body: str) -> None:
    # What compose passes: every line of the letter known in advance, the subject too.
    fixed = frozenset([subject, *lf_line_breaks(body).split("\n")])
    links = build_links(to, subject, body, cc, fixed=fixed)
    assert links == build_links(to, subject, body, cc)
    copies = [ascii_address(a) for a in cc]
    recipients = [ascii_address(a) for a in to]
    assert links.mailto == mailto_url(recipients, subject, body, copies)
    # The fallback's mailto, made with the links: the same as built on its own.
    assert links.bodyless_mailto == mailto_url(recipients, subject, None, copies)


def cut_up(text: str, data: st.DataObject) -> list[str]:
    """Pieces of `text` as a campaign's literals may be: substrings, in order or not, and
    strings it does not hold."""
    cuts = sorted(data.draw(st.lists(st.integers(0, len(text)), max_size=6)))
    pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    chosen = data.draw(st.lists(st.sampled_from([*pieces, "x", "%20", "д"]), max_size=6))
    return [piece for piece in chosen if piece]


@settings(max_examples=300)
@given(text=texts(TRICKY, NO_BREAKS, max_size=200), data=st.data())
def test_encode_known_is_plain_encode(text: str, data: st.DataObject) -> None:
    # The encodings kept for the campaign's literals, and those of the gaps, joined: the
    # text's own, whatever the literals are, found or not, in order or not.
    known = cut_up(text, data)
    assert encode_known(text, known) == encode(text)
    assert encode_known(text, known) == encode(text)  # the literals' kept encodings now


@settings(max_examples=300)
@given(to=addresses, subject=one_line, parts=st.lists(body_text, min_size=1, max_size=5),
       data=st.data())
def test_what_compose_passes_changes_no_link(
    to: list[str], subject: str, parts: list[str], data: st.DataObject
) -> None:
    # What compose passes: the rendered paragraphs, some of them the campaign's own lines
    # (`fixed`), each with the literals of its wording (`known`).
    body = "\n\n".join(parts)
    fixed = frozenset(data.draw(st.lists(st.sampled_from(parts), max_size=len(parts))))
    known = [cut_up(part, data) for part in parts]
    plain = build_links(to, subject, body)
    assert build_links(to, subject, body, fixed=fixed, parts=parts) == plain
    assert build_links(to, subject, body, parts=parts, known=known) == plain
    assert build_links(to, subject, body, fixed=fixed, parts=parts, known=known) == plain
    # Paragraphs that are not the body's (an edited letter), or literals that do not pair
    # up with them, are not used.
    assert build_links(to, subject, body, fixed=fixed, parts=[*parts, "x"]) == plain
    assert build_links(to, subject, body, parts=parts, known=known[1:]) == plain


# ---------------------------------------------------------------- concrete cases


def test_plus_in_an_address_stays_a_plus() -> None:
    # RFC 6068 §5: "+" MAY be %2B; it then survives decoders that read "+" as a space.
    links = build_links(["bill+ietf@example.org"], "Hi", "Hello")

    assert links.mailto.startswith("mailto:bill%2Bietf@example.org?")
    assert decode_mailto(links.mailto).to == ["bill+ietf@example.org"]
    for url in web_links(links).values():
        assert web_fields(url)["to"] == ["bill+ietf@example.org"]


def test_several_recipients_are_comma_separated_in_the_path() -> None:
    links = build_links(["a@x.example", "b@x.example"], "Hi", "Hello")

    assert links.mailto == "mailto:a@x.example,b@x.example?subject=Hi&body=Hello"
    assert decode_mailto(links.mailto).to == ["a@x.example", "b@x.example"]
    assert web_fields(links.gmail)["to"] == ["a@x.example,b@x.example"]


@pytest.mark.parametrize("cc", [None, []])
def test_no_cc_field_without_copies(cc: list[str] | None) -> None:
    links = build_links(["a@x.example"], "Hi", "Hello", cc)

    for url in links.as_dict().values():
        assert "cc=" not in url


def test_cc_comes_before_subject_and_body_last() -> None:
    links = build_links(["a@x.example"], "Hi", "Hello", ["c@x.example", "d@x.example"])

    assert links.mailto == "mailto:a@x.example?cc=c@x.example,d@x.example&subject=Hi&body=Hello"
    assert decode_mailto(links.mailto).cc == ["c@x.example", "d@x.example"]
    assert links.gmail.endswith("&cc=c%40x.example%2Cd%40x.example&su=Hi&body=Hello")


def test_spaces_are_percent_20_never_plus() -> None:
    links = build_links(["a@x.example"], "Free him now", "Let him go home")

    assert "subject=Free%20him%20now&body=Let%20him%20go%20home" in links.mailto
    for url in links.as_dict().values():
        assert "+" not in url


def test_delimiters_in_values_are_data() -> None:
    links = build_links(["a@x.example"], "a&b=c#d?e", "100% +1 & more")

    assert "subject=a%26b%3Dc%23d%3Fe&body=100%25%20%2B1%20%26%20more" in links.mailto
    assert decode_mailto(links.mailto).body == "100% +1 & more"


def test_encoded_exactly_once() -> None:
    links = build_links(["a@x.example"], "50%", "caf%C3%A9")

    assert "%2525" not in links.mailto
    assert decode_mailto(links.mailto).body == "caf%C3%A9"  # a literal that looks encoded


@pytest.mark.parametrize("body", ["one\ntwo", "one\r\ntwo", "one\rtwo"])
def test_line_breaks_travel_as_crlf_in_mailto(body: str) -> None:
    links = build_links(["a@x.example"], "Hi", body)

    assert links.mailto.endswith("body=one%0D%0Atwo")
    assert decode_mailto(links.mailto).body == "one\ntwo"
    for url in web_links(links).values():  # webmail handlers send "\n" (reference §2.1)
        assert url.endswith("body=one%0Atwo")


def test_german_letter_with_umlauts() -> None:
    subject = "Freiheit für Jürgen Ößmann"
    body = (
        "Sehr geehrte Damen und Herren,\n\n"
        "ich bitte Sie, sich für die sofortige Freilassung einzusetzen. "
        "Grüße aus München & Köln – 100 % solidarisch.\n\n"
        "Mit freundlichen Grüßen\nJürgen Müller"
    )
    links = build_links(["info@botschaft-russland.de"], subject, body)

    assert "subject=Freiheit%20f%C3%BCr%20J%C3%BCrgen%20%C3%96%C3%9Fmann&" in links.mailto
    assert decode_mailto(links.mailto) == (["info@botschaft-russland.de"], subject, body, [])
    for name, url in web_links(links).items():
        assert web_fields(url)[WEB_SUBJECT_PARAM[name]] == [subject]
        assert web_fields(url)["body"] == [body]


def test_non_ascii_domain_travels_as_punycode() -> None:
    # RFC 6068 §2 item 4: prefer IDNA for domains; the local part is percent-encoded UTF-8.
    links = build_links(["jürgen@bücher.de"], "Hi", "Hello")

    assert links.mailto.startswith("mailto:j%C3%BCrgen@xn--bcher-kva.de?")
    assert decode_mailto(links.mailto).to == ["jürgen@xn--bcher-kva.de"]
    assert web_fields(links.outlook)["to"] == ["jürgen@xn--bcher-kva.de"]
    assert ascii_address("посольство@россия.рф") == "посольство@xn--h1alffa9f.xn--p1ai"


def test_webmail_urls_have_their_own_shape() -> None:
    links = build_links(["a@x.example"], "Hi", "Hello")

    assert (
        links.gmail
        == "https://mail.google.com/mail/?view=cm&fs=1&to=a%40x.example&su=Hi&body=Hello"
    )
    assert links.outlook == (
        "https://outlook.live.com/mail/0/deeplink/compose?to=a%40x.example&subject=Hi&body=Hello"
    )
    assert links.yahoo == "https://compose.mail.yahoo.com/?to=a%40x.example&subject=Hi&body=Hello"


@pytest.mark.parametrize("subject", ["one\ntwo", "one\rtwo", "trailing\r\n"])
def test_a_subject_with_a_line_break_is_refused(subject: str) -> None:
    with pytest.raises(ValueError, match="subject"):
        build_links(["a@x.example"], subject, "body")


@pytest.mark.parametrize("bad", ["no-at-sign", "@x.example", "a@", "a@x.example\n", "a@☃.de"])
def test_a_bad_address_is_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        build_links([bad], "Hi", "Hello")


def test_mailto_without_body_has_no_body_field() -> None:
    url = mailto_url(["a@x.example"], "Hi", body=None)

    assert url == "mailto:a@x.example?subject=Hi"
    assert decode_mailto(url) == (["a@x.example"], "Hi", "", [])


def test_decode_mailto_follows_rfc_6068() -> None:
    # §6.1's own example, field names in any case, a `to=` field adding to the path, and a
    # "+" that is a plus (RFC 6068 is not form encoding).
    assert decode_mailto("mailto:joe@example.com?cc=bob@example.com&body=hello") == (
        ["joe@example.com"],
        "",
        "hello",
        ["bob@example.com"],
    )
    assert decode_mailto("MAILTO:a@x.example?To=b@x.example&SUBJECT=1+1&x-other=y") == (
        ["a@x.example", "b@x.example"],
        "1+1",
        "",
        [],
    )
    assert decode_mailto("mailto:%22not%40me%22@example.org").to == ['"not@me"@example.org']


def test_decode_mailto_refuses_other_schemes() -> None:
    with pytest.raises(ValueError):
        decode_mailto("https://example.org/?subject=x")
