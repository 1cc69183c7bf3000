"""`python -m app partners add | list | revoke`, run as an operator would, on both databases."""

import re

import pytest

from app.__main__ import main

KEY = re.compile(r"el_[0-9a-f]{10}_[A-Za-z0-9_-]{43}")


@pytest.fixture(autouse=True)
def cli_database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    # The CLI reads its settings from LETTERS_* like every command.
    monkeypatch.setenv("LETTERS_DATABASE_URL", database_url)
    monkeypatch.setenv("LETTERS_KEY_SECRET", "cli-test-secret")
    return database_url


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["partners", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_add_prints_the_key_once_and_list_never_shows_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = _run(
        capsys, "add", "--name", "Free Them", "--origin", "https://NGO.example/",
        "--origin", "http://localhost:3000", "--rate-limit", "100/minute",
    )
    assert code == 0
    (key,) = KEY.findall(out)
    assert "https://ngo.example http://localhost:3000" in out
    assert "shown only now" in out
    code, listed, _ = _run(capsys, "list")
    assert code == 0
    assert key not in listed and "el_" not in listed
    key_id = key[3:13]
    assert f"key id:     {key_id}" in listed
    assert "Free Them" in listed and "active" in listed and "100/minute" in listed
    assert "letters:    0 composed" in listed


def test_revoke_marks_the_key_and_an_unknown_id_is_an_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, out, _ = _run(capsys, "add", "--name", "NGO", "--origin", "https://ngo.example")
    key_id = KEY.findall(out)[0][3:13]
    code, out, _ = _run(capsys, "revoke", key_id)
    assert code == 0 and "Revoked" in out
    _, listed, _ = _run(capsys, "list")
    assert "status:     revoked" in listed
    code, _, err = _run(capsys, "revoke", "ffffffffff")
    assert code == 2 and "No partner key" in err


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--name", "NGO", "--origin", "ngo.example"], "origin"),
        (["--name", "NGO", "--origin", "https://ngo.example/path"], "origin"),
        (["--name", " ", "--origin", "https://ngo.example"], "name"),
        (["--name", "N", "--origin", "https://ngo.example", "--rate-limit", "lots"], "rate-limit"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_added(
    capsys: pytest.CaptureFixture[str], args: list[str], field: str
) -> None:
    code, out, err = _run(capsys, "add", *args)
    assert code == 2 and f"{field}:" in err and "el_" not in out
    _, listed, _ = _run(capsys, "list")
    assert "No partners yet." in listed


def test_no_partners_yet(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "list")[1].strip() == "No partners yet."
