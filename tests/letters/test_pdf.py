"""The printable letter's memory: a PDF leaves nothing behind for the collector."""

import gc
from datetime import date

from app.letters.pdf import PrintableLetter, render_pdf

LETTER = PrintableLetter(["Посольство России", "Berlin"], "Jane Doe, Basel", "Subject",
                         "Dear Ambassador,\n\nПрошу освободить.", "ru", date(2026, 3, 5))


def test_a_pdf_leaves_no_cycles_for_the_collector() -> None:
    assert render_pdf(LETTER).startswith(b"%PDF")  # the first one loads fpdf
    gc.collect()
    gc.disable()  # only render_pdf's own pass may collect
    try:
        render_pdf(LETTER)
        assert gc.collect() == 0
    finally:
        gc.enable()
