"""The text a PDF answer carries, read back with pypdf (a real PDF parser)."""

import io

from pypdf import PdfReader


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
