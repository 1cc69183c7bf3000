"""app.logs: JSON lines, exceptions without their messages, uvicorn's access log silenced."""

import logging
from dataclasses import replace

import structlog

from app.letters.pdf import render_pdf
from tests.letters.test_pdf import LETTER

from .conftest import LogLines


def test_structlog_and_standard_logging_share_one_json_format(log_lines: LogLines) -> None:
    structlog.get_logger("app.test").info("letter_queued", letter_id="l-1")
    logging.getLogger("some.library").warning("disk %s", "slow")
    first, second = log_lines.events()
    assert (first["event"], first["letter_id"], first["level"]) == ("letter_queued", "l-1", "info")
    assert (second["event"], second["level"], second["logger"]) == (
        "disk slow",
        "warning",
        "some.library",
    )


def test_an_exception_is_logged_by_type_and_frames_never_by_message(log_lines: LogLines) -> None:
    try:
        raise ValueError("Jane Doe <jane@example.org> wrote from Basel")
    except ValueError:
        structlog.get_logger("app.test").exception("send_failed")
        logging.getLogger("uvicorn.error").exception("Exception in ASGI application")
    for line in log_lines.events():
        assert line["error_type"] == "ValueError"
        assert any("test_logs.py" in frame for frame in line["frames"])
    assert "jane" not in log_lines.text.lower()
    assert "Basel" not in log_lines.text


def test_uvicorns_access_log_is_off(log_lines: LogLines) -> None:
    # Uvicorn logs '%s - "%s %s HTTP/%s" %d' with the client address and the full query.
    logging.getLogger("uvicorn.access").info(
        '%s - "%s %s HTTP/%s" %d',
        "203.0.113.7:5000",
        "GET",
        "/v1/embassies/nearest?q=Basel",
        "1.1",
        200,
    )
    assert log_lines.text == ""


def test_printing_a_letter_logs_nothing(log_lines: LogLines) -> None:
    """The PDF library's font subsetting spoke ~75 lines a PDF (the glyphs used, at debug)."""
    logging.getLogger().setLevel(logging.DEBUG)
    assert render_pdf(LETTER).startswith(b"%PDF")
    assert log_lines.text == ""


def test_a_name_the_font_cannot_draw_stays_out_of_the_logs(log_lines: LogLines) -> None:
    """fpdf warns of the glyphs its font lacks by quoting them: a person's name, here."""
    letter = replace(LETTER, return_line="张伟, Basel", body="Dear Ambassador,\n\n张伟")
    assert render_pdf(letter).startswith(b"%PDF")
    assert "张" not in log_lines.text and "\\u5f20" not in log_lines.text
    assert log_lines.text == ""
