"""POST /v1/letters/compose: the contract over HTTP."""

from typing import Any

import httpx
import pytest

from app.letters.links import decode_mailto
from app.main import create_app
from app.services import Services
from app.settings import Settings

PROBLEM = "application/problem+json"


def body(**overrides: Any) -> dict[str, Any]:
    sender = {"name": "Jane Doe", "city": "Basel", "country": "CH"} | overrides.pop("sender", {})
    return {"campaign_id": "navalny-appeal", "sender": sender} | overrides


async def compose(client: httpx.AsyncClient, payload: dict[str, Any], **kw: Any) -> httpx.Response:
    return await client.post("/v1/letters/compose", json=payload, **kw)


async def test_only_campaign_and_name_are_required(client: httpx.AsyncClient) -> None:
    answer = await compose(
        client,
        {
            "campaign_id": "navalny-appeal",
            "sender": {"name": "Jane Doe"},
            "location": {"lat": 47.5584, "lon": 7.5733},
        },
    )
    assert answer.status_code == 200, answer.text
    letter = answer.json()
    assert letter["embassy"]["id"] == "ch-bern-embassy"
    assert letter["language"] == "en"
    assert letter["body"].rstrip().endswith("Jane Doe")


async def test_the_mailto_link_decodes_to_exactly_what_is_returned(
    client: httpx.AsyncClient,
) -> None:
    letter = (
        await compose(client, body(personal_note="Line one & more\n\nA #second = one"))
    ).json()
    assert letter["to"] == ["rusbotschaft@bluewin.ch"]
    to, subject, text, _ = decode_mailto(letter["links"]["mailto"])
    assert (to, subject, text) == (letter["to"], letter["subject"], letter["body"])
    assert "%0D%0A" in letter["links"]["mailto"]
    assert "+" not in letter["links"]["mailto"]
    for name in ("gmail", "outlook", "yahoo"):
        assert letter["links"][name].startswith("https://")


async def test_answer_has_the_contracts_fields(client: httpx.AsyncClient) -> None:
    letter = (await compose(client, body())).json()
    for field in (
        "campaign_id",
        "language",
        "variant",
        "embassy",
        "to",
        "subject",
        "body",
        "links",
        "warnings",
    ):
        assert field in letter
    assert set(letter["links"]) == {"mailto", "gmail", "outlook", "yahoo"}


async def test_the_same_inputs_give_the_same_letter(client: httpx.AsyncClient) -> None:
    first = (await compose(client, body())).json()
    again = (await compose(client, body())).json()
    other = (await compose(client, body(sender={"name": "Max Mustermann"}))).json()
    assert (first["subject"], first["body"]) == (again["subject"], again["body"])
    assert first["variant"] == again["variant"]
    assert first["body"] != other["body"]


async def test_variant_picks_a_wording(client: httpx.AsyncClient) -> None:
    a = (await compose(client, body(variant=0))).json()
    b = (await compose(client, body(variant=1))).json()
    assert (a["variant"], b["variant"]) == (0, 1)
    assert a["subject"] != b["subject"]


async def test_language_from_the_body_then_accept_language_then_default(
    client: httpx.AsyncClient,
) -> None:
    de = (await compose(client, body(), headers={"Accept-Language": "fr;q=0.5, de-CH"})).json()
    assert de["language"] == "de"
    ru = (await compose(client, body(language="ru"), headers={"Accept-Language": "de"})).json()
    assert ru["language"] == "ru"
    default = (await compose(client, body(), headers={"Accept-Language": "ja, zh;q=0.8"})).json()
    assert default["language"] == "en"


async def test_an_unsupported_language_is_a_422_listing_the_supported(
    client: httpx.AsyncClient,
) -> None:
    answer = await compose(client, body(language="ja"))
    assert answer.status_code == 422
    error = answer.json()["errors"][0]
    assert error["field"] == "language"
    assert "de, en, es, fr, ru" in error["message"]


async def test_a_russian_letter_warns_that_links_are_too_long_and_gives_a_fallback(
    client: httpx.AsyncClient,
) -> None:
    letter = (await compose(client, body(language="ru"))).json()
    warning = next(w for w in letter["warnings"] if w["code"] == "link_too_long")
    assert "mailto" in warning["links"]
    assert warning["clients"]
    to, subject, text, _ = decode_mailto(letter["links"]["mailto"])
    assert (to, subject) == (letter["to"], letter["subject"])
    assert text == letter["body"]  # the link still carries the whole letter
    fallback = letter["fallback"]
    assert decode_mailto(fallback["mailto"])[:3] == (letter["to"], letter["subject"], "")
    assert letter["body"] in fallback["text"]


async def test_an_embassy_without_email_is_an_answer_not_an_error(
    no_email_services: Services, app_settings: Settings,
) -> None:
    settings = app_settings.model_copy(
        update={"directory_overrides": no_email_services.settings.directory_overrides})
    app = create_app(settings, services=no_email_services)
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        answer = await compose(client, body(sender={"city": "Rotterdam", "country": "NL"}))
    assert answer.status_code == 200
    letter = answer.json()
    assert letter["embassy"]["id"] == "nl-the-hague-embassy"
    assert letter["to"] == []
    assert set(letter["links"].values()) == {None}
    warning = next(w for w in letter["warnings"] if w["code"] == "no_email_on_file")
    assert letter["embassy"]["website"] in warning["message"]
    kinds = {way["kind"] for way in letter["other_ways"]}
    assert {"pdf", "post", "website"} <= kinds


async def test_the_persons_text_is_data_never_template_source(client: httpx.AsyncClient) -> None:
    letter = (
        await compose(
            client,
            body(
                sender={"name": "{{ 7*7 }} {% raw %}", "city": "{{ config }}"},
                personal_note="{{ ''.__class__.__mro__ }}",
            ),
        )
    ).json()
    assert "{{ 7*7 }} {% raw %}" in letter["body"]
    assert "{{ ''.__class__.__mro__ }}" in letter["body"]
    assert "49" not in letter["body"].split("{{ 7*7 }}")[0][-3:]


@pytest.mark.parametrize(
    "sender, field",
    [
        ({"name": "Jane\nBcc: victim@example.org"}, "sender.name"),
        ({"name": "Jane", "city": "Basel\r\nX-Evil: 1"}, "sender.city"),
        ({"name": ""}, "sender.name"),
        ({"name": "x" * 201}, "sender.name"),
        ({"name": "Jane", "country": "Switzerland"}, "sender.country"),
        ({"name": "Jane", "email": "not-an-address"}, "sender.email"),
    ],
)
async def test_bad_sender_fields_are_422_naming_the_field(
    client: httpx.AsyncClient, sender: dict[str, str], field: str
) -> None:
    answer = await compose(client, body(sender=sender))
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == PROBLEM
    assert field in [e["field"] for e in answer.json()["errors"]]


async def test_a_subject_with_a_line_break_is_refused(client: httpx.AsyncClient) -> None:
    answer = await compose(client, body(subject="Hello\nBcc: x@example.org"))
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "subject"


async def test_several_bad_fields_give_one_entry_each(client: httpx.AsyncClient) -> None:
    answer = await compose(
        client, {"campaign_id": "navalny-appeal", "variant": -1, "signature": "fancy", "sender": {}}
    )
    fields = sorted(e["field"] for e in answer.json()["errors"])
    assert fields == ["sender.name", "signature", "variant"]


async def test_the_persons_edit_replaces_the_wording(client: httpx.AsyncClient) -> None:
    letter = (
        await compose(client, body(subject="My own words", body="Dear Ambassador,\n\nFree him."))
    ).json()
    assert letter["subject"] == "My own words"
    assert letter["body"] == "Dear Ambassador,\n\nFree him."
    assert decode_mailto(letter["links"]["mailto"])[2] == letter["body"]


async def test_initials_sign_without_the_name(client: httpx.AsyncClient) -> None:
    letter = (await compose(client, body(signature="initials"))).json()
    assert "Jane Doe" not in letter["body"]
    assert letter["body"].rstrip().endswith("J. D.\nBasel")


async def test_bilingual_adds_the_russian_text(client: httpx.AsyncClient) -> None:
    letter = (await compose(client, body(bilingual=True))).json()
    assert "Навальн" in letter["body"]
    assert letter["body"].index("Navalny") < letter["body"].index("Навальн")


async def test_an_embassy_chosen_by_id(client: httpx.AsyncClient) -> None:
    letter = (await compose(client, body(embassy_id="de-berlin-embassy"))).json()
    assert letter["embassy"]["id"] == "de-berlin-embassy"
    assert (await compose(client, body(embassy_id="xx-none-embassy"))).status_code == 404
    closed = await compose(client, body(embassy_id="de-munich-consulate_general"))
    assert closed.status_code == 422
    assert closed.json()["errors"][0]["field"] == "embassy_id"


async def test_unknown_campaign_is_404(client: httpx.AsyncClient) -> None:
    answer = await compose(client, body(campaign_id="no-such-campaign"))
    assert answer.status_code == 404
    assert answer.headers["content-type"] == PROBLEM


@pytest.mark.parametrize(
    "content, headers",
    [
        (b"{not json", {"content-type": "application/json"}),
        (b"campaign_id=x", {"content-type": "application/x-www-form-urlencoded"}),
        (b"[]", {"content-type": "application/json"}),
        (b"", {"content-type": "application/json"}),
    ],
)
async def test_malformed_bodies_are_4xx_problems(
    client: httpx.AsyncClient, content: bytes, headers: dict[str, str]
) -> None:
    answer = await client.post("/v1/letters/compose", content=content, headers=headers)
    assert 400 <= answer.status_code < 500
    assert answer.headers["content-type"] == PROBLEM
