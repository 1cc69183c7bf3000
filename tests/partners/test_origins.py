"""Origins are compared in the form browsers send them."""

import pytest

from app.partners.origins import normalize_origin, normalize_origins


@pytest.mark.parametrize(
    ("given", "canonical"),
    [
        ("https://ngo.example", "https://ngo.example"),
        ("HTTPS://NGO.Example/", "https://ngo.example"),
        ("https://ngo.example:443", "https://ngo.example"),
        ("http://ngo.example:80", "http://ngo.example"),
        ("http://localhost:8080", "http://localhost:8080"),
        ("https://bücher.example", "https://xn--bcher-kva.example"),
        ("http://[::1]:3000", "http://[::1]:3000"),
        ("  https://ngo.example  ", "https://ngo.example"),
    ],
)
def test_origins_take_their_canonical_form(given: str, canonical: str) -> None:
    assert normalize_origin(given) == canonical


@pytest.mark.parametrize(
    "given",
    [
        "ngo.example",
        "ftp://ngo.example",
        "https://",
        "https://ngo.example/page",
        "https://user@ngo.example",
        "https://ngo.example?x=1",
        "https://ngo.example:99999",
        "null",
    ],
)
def test_what_is_not_an_origin_is_refused_with_a_reason(given: str) -> None:
    with pytest.raises(ValueError, match="not an origin"):
        normalize_origin(given)


def test_a_list_keeps_its_order_without_repeats() -> None:
    assert normalize_origins(["https://b.example", "https://a.example", "https://B.example/"]) == (
        "https://b.example",
        "https://a.example",
    )
