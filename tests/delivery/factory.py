"""Plain builders for the messages the delivery tests send."""

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from app.delivery.provider import Address, OutgoingEmail

SENDER = Address("letters@platform.example", "Иван Петров via Embassy Letters")
EMBASSY = Address("consulate@embassy.example", "Посольство России")
PERSON = Address("ivan.petrov@mail.example", "Иван Петров")


def letter(**changes: Any) -> OutgoingEmail:
    email = OutgoingEmail(
        sender=SENDER,
        to=(EMBASSY,),
        subject="Обращение в защиту политзаключённого",
        text="Уважаемый посол,\n\nпрошу освободить заключённого.\n\nИван Петров\n",
        message_id="<0f3a9c.letter@platform.example>",
        date=datetime(2026, 12, 1, 7, 0, tzinfo=UTC),
        reply_to=PERSON,
        cc=(PERSON,),
        html="<p>Уважаемый посол,</p><p>прошу освободить заключённого.</p>",
        reference="outbox-42",
        headers=(("X-Letter-Reference", "outbox-42"),),
    )
    return replace(email, **changes)
