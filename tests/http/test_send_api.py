"""POST /v1/letters and what follows: the contract's send flow over HTTP, on both databases."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from app.db.models import LetterRow, OutboxRow
from app.settings import Settings
from tests.send_fixtures import BERN, PERSON, Harness, harness_for, send_body

PROBLEM = "application/problem+json"


async def test_nothing_reaches_the_embassy_before_the_person_confirms(harness: Harness) -> None:
    answer = await harness.client.post("/v1/letters", json=send_body(cc_sender=True))
    assert answer.status_code == 202, answer.text
    created = answer.json()
    assert created["status"] == "awaiting_confirmation"
    assert created["status_url"] == f"https://letters.example/v1/letters/{created['id']}"
    assert datetime.fromisoformat(created["expires_at"]) > datetime.now(UTC) + timedelta(hours=47)

    assert await harness.deliver() == 1
    (confirmation,) = harness.provider.sent
    assert [a.email for a in confirmation.to] == [PERSON]
    assert harness.provider.to(BERN) == []
    token = harness.token(confirmation)
    assert len(token) >= 22  # >= 128 bits
    assert "Jane Doe via Embassy Letters" in confirmation.text  # a copy of what will go
    assert (
        confirmation.html
        and "https://letters.example/v1/letters/confirm?token=" in confirmation.html
    )

    page = await harness.client.get("/v1/letters/confirm", params={"token": token})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "queued" in page.text

    assert await harness.deliver() == 1
    (letter,) = harness.provider.to(BERN)
    assert letter.sender.email == "letters@platform.example"
    assert letter.sender.name == "Jane Doe via Embassy Letters"
    assert letter.reply_to is not None and letter.reply_to.email == PERSON
    assert [a.email for a in letter.cc] == [PERSON]
    assert letter.message_id.startswith("<") and letter.message_id.endswith("@platform.example>")
    assert "Jane Doe" in letter.text

    status = (await harness.client.get(f"/v1/letters/{created['id']}")).json()
    assert status["status"] == "sent"
    assert [e["status"] for e in status["events"]] == [
        "awaiting_confirmation",
        "queued",
        "sending",
        "sent",
    ]
    assert status["embassy"]["id"] == "ch-bern-embassy"


async def test_consent_and_the_senders_email_are_required(harness: Harness) -> None:
    no_consent = await harness.client.post("/v1/letters", json=send_body(consent=False))
    assert no_consent.status_code == 422
    assert no_consent.headers["content-type"] == PROBLEM
    assert [e["field"] for e in no_consent.json()["errors"]] == ["consent"]
    missing = send_body()
    del missing["consent"]
    assert (await harness.client.post("/v1/letters", json=missing)).status_code == 422
    body = send_body()
    del body["sender"]["email"]
    no_email = await harness.client.post("/v1/letters", json=body)
    assert no_email.status_code == 422
    assert [e["field"] for e in no_email.json()["errors"]] == ["sender.email"]
    assert harness.provider.sent == [] and await harness.deliver() == 0


async def test_an_embassy_without_email_is_a_clear_422(harness: Harness) -> None:
    directory = harness.resources.worker.dispatch.directory
    silent = next(e for e in directory.select() if e.is_open and not e.emails)
    answer = await harness.client.post("/v1/letters", json=send_body(embassy_id=silent.id))
    assert answer.status_code == 422
    problem = answer.json()
    assert problem["type"] == "/problems/no-email-on-file"
    assert problem["errors"][0]["field"] == "embassy_id"
    assert "no e-mail address on file" in problem["detail"]


async def test_the_same_idempotency_key_and_body_answers_the_same_and_sends_once(
    harness: Harness,
) -> None:
    headers = {"Idempotency-Key": "form-7f3a"}
    first = await harness.client.post("/v1/letters", json=send_body(), headers=headers)
    again = await harness.client.post("/v1/letters", json=send_body(), headers=headers)
    assert (first.status_code, again.status_code) == (202, 202)
    assert again.json() == first.json()
    assert await harness.deliver() == 1
    other = await harness.client.post(
        "/v1/letters", json=send_body(personal_note="Another text"), headers=headers
    )
    assert other.status_code == 409
    assert other.headers["content-type"] == PROBLEM
    fresh = await harness.client.post(
        "/v1/letters", json=send_body(), headers={"Idempotency-Key": "b"}
    )
    assert fresh.json()["id"] != first.json()["id"]


async def test_the_token_is_single_use_and_stored_only_as_a_hash(harness: Harness) -> None:
    created = (await harness.client.post("/v1/letters", json=send_body())).json()
    await harness.deliver()
    token = harness.token(harness.provider.sent[-1])
    async with harness.resources.database.begin() as session:
        row = (await session.execute(select(LetterRow))).scalar_one()
        secrets_left = (await session.execute(select(OutboxRow.secret))).scalars().all()
    assert token not in repr(vars(row)) and row.token_hash and len(row.token_hash) == 64
    assert secrets_left == []  # the raw token went with the sent confirmation

    confirmed = await harness.client.post("/v1/letters/confirm", json={"token": token})
    assert confirmed.status_code == 200
    assert confirmed.json() == {
        "id": created["id"],
        "status": "queued",
        "status_url": created["status_url"],
    }
    reused = await harness.client.get("/v1/letters/confirm", params={"token": token})
    assert reused.status_code == 404 and "<html" in reused.text
    unknown = await harness.client.post("/v1/letters/confirm", json={"token": "nope"})
    assert unknown.status_code == 404 and unknown.headers["content-type"] == PROBLEM


async def test_an_expired_link_erases_the_letter(harness: Harness) -> None:
    created = (await harness.client.post("/v1/letters", json=send_body())).json()
    await harness.deliver()
    token = harness.token(harness.provider.sent[-1])
    async with harness.resources.database.begin() as session:
        await session.execute(
            update(LetterRow).values(expires_at=datetime.now(UTC) - timedelta(minutes=1))
        )
    answer = await harness.client.post("/v1/letters/confirm", json={"token": token})
    assert answer.status_code == 410
    status = (
        await harness.client.get(created["status_url"].removeprefix("https://letters.example"))
    ).json()
    assert status["status"] == "expired"
    async with harness.resources.database.begin() as session:
        row = (await session.execute(select(LetterRow))).scalar_one()
    assert (row.sender_name, row.sender_email, row.body, row.subject) == (None, None, None, None)
    assert await harness.deliver() == 0


async def test_delete_erases_the_persons_data(harness: Harness) -> None:
    letter_id = await harness.confirmed_letter()
    assert (await harness.client.delete(f"/v1/letters/{letter_id}")).status_code == 204
    status = (await harness.client.get(f"/v1/letters/{letter_id}")).json()
    assert status["status"] == "erased"
    async with harness.resources.database.begin() as session:
        row = (await session.execute(select(LetterRow))).scalar_one()
        pending = (await session.execute(select(OutboxRow))).scalars().all()
    assert (row.sender_name, row.sender_email, row.body, row.recipients) == (None,) * 4
    assert pending == []
    assert await harness.deliver() == 0 and harness.provider.to(BERN) == []
    assert (await harness.client.delete("/v1/letters/not-a-letter")).status_code == 404
    assert (await harness.client.get("/v1/letters/not-a-letter")).status_code == 404


async def test_the_confirmation_is_in_the_letters_language_and_escapes_html(
    harness: Harness,
) -> None:
    body = send_body(language="ru", sender={"name": "Анна <b>Смирнова</b>"})
    assert (await harness.client.post("/v1/letters", json=body)).status_code == 202
    await harness.deliver()
    (confirmation,) = harness.provider.sent
    assert "Подтвердите" in confirmation.subject
    assert "Подтвердить и отправить письмо" in confirmation.text
    assert confirmation.html is not None
    assert "<b>Смирнова</b>" not in confirmation.html
    assert "&lt;b&gt;Смирнова&lt;/b&gt;" in confirmation.html
    assert "Анна <b>Смирнова</b>" in confirmation.text  # plain text is not HTML-escaped


async def test_without_confirmation_the_letter_is_queued_at_once(
    services: object, send_settings: Settings
) -> None:
    settings = send_settings.model_copy(update={"require_confirmation": False})
    async with harness_for(services, settings) as harness:  # type: ignore[arg-type]
        created = (await harness.client.post("/v1/letters", json=send_body())).json()
        assert created["status"] == "queued"
        assert await harness.deliver() == 1
        assert [a.email for a in harness.provider.sent[0].to] == [BERN]


async def test_redirect_all_to_sends_embassy_mail_to_one_address(
    services: object, send_settings: Settings
) -> None:
    settings = send_settings.model_copy(update={"redirect_all_to": "staging@platform.example"})
    async with harness_for(services, settings) as harness:  # type: ignore[arg-type]
        await harness.confirmed_letter()
        await harness.deliver()
        letter = harness.provider.sent[-1]
        assert [a.email for a in letter.to] == ["staging@platform.example"]
        assert harness.provider.to(BERN) == []
        assert ("X-Letters-Redirected-From", BERN) in letter.headers
