"""The printable letter's memory: a PDF leaves nothing behind for the collector, and
brings no cryptography in."""

import gc
import subprocess
import sys
from datetime import date
from pathlib import Path

from app.letters.pdf import PrintableLetter, render_pdf

ROOT = Path(__file__).resolve().parents[2]
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


PROBE = """
import sys
from datetime import date
if sys.argv[1] == "fpdf":
    import fpdf
elif sys.argv[1] == "webhooks-first":
    from cryptography import x509
from app.letters.pdf import PrintableLetter, render_pdf
assert render_pdf(PrintableLetter(["Embassy"], None, "S", "T", "en", date(2026, 3, 5)))
print("cryptography" in sys.modules)
from cryptography import x509  # a webhook's signature check, afterwards
print(x509.load_pem_x509_certificate.__name__)
"""


def _imports_cryptography(how: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", PROBE, how], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    return out.split()


def test_a_pdf_leaves_cryptography_to_the_webhooks() -> None:
    assert _imports_cryptography("fpdf") == ["True", "load_pem_x509_certificate"]  # fpdf's own
    assert _imports_cryptography("pdf") == ["False", "load_pem_x509_certificate"]
    assert _imports_cryptography("webhooks-first") == ["True", "load_pem_x509_certificate"]
