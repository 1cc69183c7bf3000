"""The no-JavaScript form's refusals are pages in the person's language, never raw JSON."""

from collections.abc import AsyncIterator

import httpx
import pytest_asyncio

from app.main import create_app
from app.services import Services
from app.settings import Settings

FORM = {"name": "Jane Doe", "place": "Basel", "lang": "en"}
EDITED = {"subject": "My own subject", "body": "Excellency,\n\nMy own words.", "rendered_body": "x"}


@pytest_asyncio.fixture
async def limited(services: Services, app_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """An app whose compose allowance (form, PDF and API together) is one an hour."""
    settings = app_settings.model_copy(update={"rate_limit_compose": "1/hour"})
    app = create_app(settings, services=services)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("203.0.113.8", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c


def assert_page(answer: httpx.Response, status: int, lang: str, alert: bool = True) -> None:
    assert answer.status_code == status
    assert answer.headers["content-type"].startswith("text/html")
    assert f'<html lang="{lang}">' in answer.text
    assert ('role="alert"' in answer.text) is alert  # field errors sit by their fields


async def test_a_refused_form_says_when_to_come_back_and_keeps_the_letter(
    limited: httpx.AsyncClient,
) -> None:
    assert (await limited.post("/embed/navalny-appeal", data=FORM)).status_code == 200
    answer = await limited.post("/embed/navalny-appeal", data={**FORM, "lang": "ru", **EDITED})
    assert_page(answer, 429, "ru")
    assert answer.headers["retry-after"].isdigit()
    assert int(answer.headers["retry-after"]) > 3000
    assert answer.headers["ratelimit-remaining"] == "0"
    assert "Пожалуйста, попробуйте снова через 1 час." in answer.text
    assert 'value="Jane Doe"' in answer.text and 'value="Basel"' in answer.text
    # The edited letter travels on with the next post, though no letter is shown.
    assert '<input type="hidden" name="subject" value="My own subject">' in answer.text
    assert "My own words." in answer.text


async def test_the_printable_letter_is_refused_as_a_page_and_the_api_as_json(
    limited: httpx.AsyncClient,
) -> None:
    assert (await limited.post("/embed/navalny-appeal/pdf", data=FORM)).status_code == 200
    pdf = await limited.post("/embed/navalny-appeal/pdf", data={**FORM, "lang": "de"})
    assert_page(pdf, 429, "de")
    assert "Bitte versuchen Sie es in 1 Stunde erneut." in pdf.text
    assert pdf.headers["retry-after"].isdigit()
    api = await limited.post(
        "/v1/letters/compose",
        json={"campaign_id": "navalny-appeal", "sender": {"name": "Jane", "city": "Basel"}},
    )
    assert api.status_code == 429
    assert api.headers["content-type"] == "application/problem+json"
    assert api.json()["type"] == "/problems/rate-limited"


async def test_a_bad_field_on_the_printable_letter_is_marked_in_the_form(
    client: httpx.AsyncClient,
) -> None:
    answer = await client.post("/embed/navalny-appeal/pdf", data={**FORM, "name": "", "lang": "fr"})
    assert_page(answer, 422, "fr", alert=False)
    assert 'id="e-name"' in answer.text and 'aria-invalid="true"' in answer.text
    assert 'value="Basel"' in answer.text


async def test_a_field_longer_than_the_form_takes_is_marked_not_answered_in_json(
    client: httpx.AsyncClient,
) -> None:
    answer = await client.post("/embed/navalny-appeal", data={**FORM, "place": "B" * 20_001})
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("text/html")
    assert 'id="e-place"' in answer.text
    assert 'value="Jane Doe"' in answer.text


async def test_an_unknown_campaign_is_said_in_the_browsers_language(
    client: httpx.AsyncClient,
) -> None:
    form = {"name": "Jane Doe", "place": "Basel"}
    answer = await client.post("/embed/nope", data=form, headers={"Accept-Language": "es"})
    assert_page(answer, 404, "es")
    assert "Esta campaña no existe." in answer.text
