"""GET /v1/letters/{id}/pdf?token=…: the link in a failure notice opens the person's own
letter as a PDF, only with its token and only while the letter keeps the person's data."""

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.db.models import LetterRow
from app.delivery.provider import PermanentSendError
from app.delivery.sweeper import sweep
from app.services import Services
from app.settings import Settings
from tests.pdf_text import pdf_text
from tests.send_fixtures import PERSON, Harness, harness_for, send_body

LINK = re.compile(
    r"https://letters\.example(/v1/letters/([A-Za-z0-9_-]+)/pdf\?token=([A-Za-z0-9_-]+))"
)


@pytest.fixture
async def queued(services: Services, send_settings: Settings) -> AsyncIterator[Harness]:
    settings = send_settings.model_copy(update={"require_confirmation": False})
    async with harness_for(services, settings) as harness:
        yield harness


async def failed_letter(harness: Harness, **body: object) -> tuple[str, str, str]:
    """A letter the provider refused for good: (its id, the notice's link path, its token)."""
    created = await harness.client.post("/v1/letters", json=send_body(**body))
    assert created.status_code == 202, created.text
    harness.provider.failures = [PermanentSendError("smtp 550: mailbox unavailable")]
    await harness.deliver()
    (notice,) = harness.provider.to(PERSON)
    found = LINK.search(notice.text)
    assert found is not None, notice.text
    assert found.group(2) == created.json()["id"]
    return found.group(2), found.group(1), found.group(3)


async def test_the_notice_link_opens_the_letter_as_a_pdf_in_its_language(
    queued: Harness,
) -> None:
    _, path, _ = await failed_letter(queued, language="ru", sender={"name": "Анна Петрова"})
    (notice,) = queued.provider.to(PERSON)
    assert "Ваше письмо не дошло" in notice.subject
    assert "Письмо для печати и отправки почтой: https://letters.example/v1/" in notice.text
    assert notice.html is not None and f'href="https://letters.example{path}"' in notice.html
    answer = await queued.client.get(path)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    text = pdf_text(answer.content)
    assert "Анна Петрова" in text and "Навальн" in text  # the stored letter, signed
    assert "Brunnadernrain" in text  # Bern's postal address, for the window envelope


async def test_a_wrong_token_and_an_unknown_letter_get_the_same_404(queued: Harness) -> None:
    letter_id, _, token = await failed_letter(queued)
    wrong = await queued.client.get(f"/v1/letters/{letter_id}/pdf", params={"token": "x" * 43})
    unknown = await queued.client.get("/v1/letters/nosuchletter/pdf", params={"token": token})
    for answer in (wrong, unknown):
        assert answer.status_code == 404
        assert answer.headers["content-type"] == "application/problem+json"
    assert wrong.json() == unknown.json()
    missing = await queued.client.get(f"/v1/letters/{letter_id}/pdf")
    assert missing.status_code == 422  # no token at all: a bad request, not a lookup


async def test_the_token_of_one_letter_opens_no_other(queued: Harness) -> None:
    first, _, first_token = await failed_letter(queued)
    queued.provider.sent.clear()
    second, _, _ = await failed_letter(queued)
    crossed = await queued.client.get(f"/v1/letters/{second}/pdf", params={"token": first_token})
    assert crossed.status_code == 404
    assert (await queued.client.get(f"/v1/letters/{first}/pdf",
                                    params={"token": first_token})).status_code == 200


async def test_erasing_the_letter_ends_the_link(queued: Harness) -> None:
    letter_id, path, _ = await failed_letter(queued)
    assert (await queued.client.delete(f"/v1/letters/{letter_id}")).status_code == 204
    answer = await queued.client.get(path)
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"
    async with queued.resources.database.begin() as session:
        row = (await session.execute(select(LetterRow))).scalar_one()
    assert row.pdf_token_hash is None  # erased with the rest of the person's data


async def test_the_link_works_until_the_retention_period_ends(queued: Harness) -> None:
    _, path, _ = await failed_letter(queued)
    database = queued.resources.database
    retention = timedelta(days=30)
    assert await sweep(database, datetime.now(UTC) + timedelta(days=29), retention) == (0, 0)
    assert (await queued.client.get(path)).status_code == 200
    after = datetime.now(UTC) + retention + timedelta(minutes=1)
    assert await sweep(database, after, retention) == (0, 1)
    assert (await queued.client.get(path)).status_code == 404
