"""The letter as a printable PDF, its address placed for a window envelope.

Post is the channel that works where e-mail does not, so this renders every script the
templates use: DejaVu Serif (shipped beside this file) covers Latin and Cyrillic.
"""

import gc
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from app.letters.dates import long_date

if TYPE_CHECKING:  # fpdf (with fontTools) is ~27 MiB resident: loaded at the first PDF
    from fpdf import FPDF

FONTS = Path(__file__).parent / "fonts"
Paper = Literal["a4", "letter"]


@dataclass(frozen=True, slots=True)
class Layout:
    """Where the recipient block goes so it shows through the envelope's window (mm)."""

    size: str
    address_left: float
    address_top: float
    margin: float


LAYOUTS: dict[Paper, Layout] = {
    # DIN 5008 form B: the window of a DL/C5 envelope, 20 mm from the left, 45 mm down.
    "a4": Layout("A4", address_left=20, address_top=45, margin=20),
    # US #10 window envelope, letter folded in thirds: 7/8 in from the left, ~2 in down.
    "letter": Layout("Letter", address_left=22, address_top=51, margin=22),
}


@dataclass(frozen=True, slots=True)
class PrintableLetter:
    recipient: list[str]  # postal lines: mission name, street, city, country
    return_line: str | None  # small line above the window; None keeps the sender anonymous
    subject: str
    body: str
    language: str
    dated: date


def _fpdf() -> "type[FPDF]":
    """fpdf's FPDF, imported without cryptography where nothing has imported it yet: fpdf
    imports it only to sign and encrypt PDFs, which a letter never is (~8.7 MiB at the first
    PDF; the SNS and SendGrid webhooks import it themselves where they verify signatures).
    Hidden only for the first import, in the printing process (app/letters/printer.py) with
    nothing else importing; once fpdf is loaded nothing is hidden again."""
    if "fpdf" in sys.modules or "cryptography" in sys.modules:
        from fpdf import FPDF
    else:
        sys.modules["cryptography"] = None  # type: ignore[assignment]
        try:
            from fpdf import FPDF
        finally:
            del sys.modules["cryptography"]
    return FPDF


def _document(layout: Layout) -> "FPDF":
    pdf = _fpdf()(format=layout.size, unit="mm")
    pdf.set_margins(layout.margin, layout.margin, layout.margin)
    pdf.set_auto_page_break(True, margin=layout.margin)
    pdf.add_font("serif", "", FONTS / "DejaVuSerif.ttf")
    pdf.add_font("serif", "B", FONTS / "DejaVuSerif-Bold.ttf")
    pdf.set_title("Letter")
    pdf.set_creator("Embassy letters")
    pdf.add_page()
    return pdf


def _address_block(pdf: "FPDF", layout: Layout, letter: PrintableLetter) -> None:
    width = 85.0
    pdf.set_xy(layout.address_left, layout.address_top)
    if letter.return_line:
        pdf.set_font("serif", size=7)
        pdf.cell(width, 4, letter.return_line, new_x="LEFT", new_y="NEXT")
    pdf.set_font("serif", size=11)
    for line in letter.recipient:
        pdf.multi_cell(width, 5, line, align="L", new_x="LEFT", new_y="NEXT")


def _dateline(pdf: "FPDF", letter: PrintableLetter) -> None:
    pdf.set_font("serif", size=11)
    pdf.set_y(100)
    text = long_date(letter.dated, letter.language)
    pdf.cell(0, 6, text, align="R", new_x="LMARGIN", new_y="NEXT")


def _text(pdf: "FPDF", letter: PrintableLetter) -> None:
    pdf.ln(6)
    pdf.set_font("serif", "B", 11)
    pdf.multi_cell(0, 6, letter.subject, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("serif", size=11)
    for paragraph in letter.body.split("\n\n"):
        pdf.multi_cell(0, 5.5, paragraph, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)


def render_pdf(letter: PrintableLetter, paper: Paper = "a4") -> bytes:
    """The whole letter, dated and signed (the signature ends the body), as PDF bytes."""
    layout = LAYOUTS[paper]
    pdf = _document(layout)
    _address_block(pdf, layout, letter)
    _dateline(pdf, letter)
    _text(pdf, letter)
    out = bytes(pdf.output())
    del pdf
    # fpdf's fonts and the fontTools tables they parse refer to each other: without a pass
    # now (~15 ms, a PDF takes ~120 ms) each PDF left ~2 MiB to the collector's next full
    # pass, ~11 MiB held in steady use.
    gc.collect()
    return out
