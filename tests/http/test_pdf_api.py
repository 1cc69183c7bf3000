"""POST /v1/letters/pdf: a printable letter with the postal address, date and signature."""

import io
from datetime import UTC, datetime

import httpx
import pytest
from pypdf import PdfReader

from tests.pdf_text import pdf_text as text_of


async def test_the_printable_letter_carries_address_date_and_signature(
    client: httpx.AsyncClient,
) -> None:
    answer = await client.post(
        "/v1/letters/pdf",
        json={
            "campaign_id": "navalny-appeal",
            "sender": {"name": "Jane Doe", "city": "Lyon", "country": "FR"},
        },
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    text = text_of(answer.content)
    assert "40-50 boulevard Lannes" in text
    assert "75116 Paris" in text
    assert str(datetime.now(UTC).year) in text
    assert "Jane Doe" in text
    reader = PdfReader(io.BytesIO(answer.content))
    width_mm = float(reader.pages[0].mediabox.width) / 72 * 25.4
    assert round(width_mm) == 210  # A4 in France


async def test_cyrillic_renders_and_us_letter_paper(client: httpx.AsyncClient) -> None:
    answer = await client.post(
        "/v1/letters/pdf?paper=letter",
        json={
            "campaign_id": "navalny-appeal",
            "language": "ru",
            "sender": {"name": "Анна Петрова", "city": "Basel", "country": "CH"},
        },
    )
    text = text_of(answer.content)
    assert "Навальн" in text and "Анна Петрова" in text
    width_in = float(PdfReader(io.BytesIO(answer.content)).pages[0].mediabox.width) / 72
    assert width_in == pytest.approx(8.5)


async def test_initials_leave_no_name_on_the_page(client: httpx.AsyncClient) -> None:
    answer = await client.post(
        "/v1/letters/pdf",
        json={
            "campaign_id": "navalny-appeal",
            "signature": "initials",
            "sender": {"name": "Jane Doe", "city": "Lyon", "country": "FR"},
        },
    )
    text = text_of(answer.content)
    assert "Jane" not in text and "J. D." in text


async def test_bad_input_is_a_problem_not_a_pdf(client: httpx.AsyncClient) -> None:
    answer = await client.post(
        "/v1/letters/pdf", json={"campaign_id": "navalny-appeal", "sender": {"name": "A\nB"}}
    )
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
