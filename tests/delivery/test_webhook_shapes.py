"""Every provider's webhook parser, given a call that verifies but carries any JSON where the
documented values go: it answers with events or MalformedWebhook (a 400), nothing else (an
exception of any other kind is a 500, and the provider would retry it for days).

Each body starts from a documented event and has some of its values, at any depth, replaced
by arbitrary JSON: a body of random JSON alone would stop at the first check of its kind."""

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.delivery.provider import DeliveryEvent, MalformedWebhook, WebhookRequest
from app.delivery.providers import mailgun, postmark, resend, sendgrid, ses
from app.settings import Settings

from . import test_mailgun, test_postmark, test_resend, test_sendgrid, test_ses

JSON: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                max_size=3),
    max_leaves=6,
)


def mutated(value: Any) -> st.SearchStrategy[Any]:
    """`value` as it is, or with any of its values replaced by any JSON, at any depth."""
    kept: st.SearchStrategy[Any] = st.just(value)
    if isinstance(value, dict):
        kept = st.fixed_dictionaries({k: mutated(v) for k, v in value.items()})
    elif isinstance(value, list):
        kept = st.tuples(*(mutated(v) for v in value)).map(list)
    return kept | JSON


SES_BOUNCE = {
    "notificationType": "Bounce",
    "mail": test_ses.MAIL,
    "bounce": {
        "bounceType": "Permanent",
        "bounceSubType": "General",
        "timestamp": "2026-12-01T07:00:30.000Z",
        "bouncedRecipients": [{"emailAddress": "consulate@embassy.example", "status": "5.1.1",
                               "diagnosticCode": "smtp; 550 5.1.1 unknown"}],
    },
    "delivery": {"timestamp": "2026-12-01T07:00:05.000Z",
                 "recipients": ["consulate@embassy.example"]},
    "complaint": {"complainedRecipients": [{"emailAddress": "consulate@embassy.example"}]},
}
MAILGUN_FAILED = test_mailgun.event(
    "failed", severity="permanent", reason="bounce",
    **{"delivery-status": {"code": 550, "description": "", "message": "5.1.1 no"}},
)
RESEND_BOUNCED = test_resend.envelope(
    "email.bounced", bounce={"type": "Permanent", "subType": "General", "message": "550"}
)


def ses_call(message: Any) -> WebhookRequest:
    envelope = json.loads(test_ses.sns("Notification", {}))
    envelope["Message"] = json.dumps(message)
    return test_ses.call(json.dumps(envelope).encode())


Case = tuple[str, Settings, Callable[[Settings, WebhookRequest], list[DeliveryEvent]],
             Callable[[Any], WebhookRequest], list[Any]]
CASES: list[Case] = [
    ("postmark", test_postmark.HOOK, postmark.parse_webhook, test_postmark.hook,
     [test_postmark.DELIVERY, test_postmark.bounce("HardBounce"),
      {**test_postmark.bounce("SpamNotification"), "RecordType": "SpamComplaint"}]),
    ("mailgun", test_mailgun.HOOK, mailgun.parse_webhook, test_mailgun.signed,
     [MAILGUN_FAILED, test_mailgun.event("delivered")]),
    ("sendgrid", test_sendgrid.HOOK, sendgrid.parse_webhook, test_sendgrid.signed,
     [[test_sendgrid.event("bounce", reason="550 no", type="bounce"),
       test_sendgrid.event("delivered"), test_sendgrid.event("dropped")]]),
    ("resend", test_resend.HOOK, resend.parse_webhook, test_resend.signed,
     [RESEND_BOUNCED, test_resend.envelope("email.delivered")]),
    ("ses", test_ses.HOOK, ses.parse_webhook, ses_call,
     [SES_BOUNCE, {**SES_BOUNCE, "notificationType": "Delivery"},
      {**SES_BOUNCE, "notificationType": "Complaint"}]),
]


@pytest.mark.parametrize(("name", "hook", "parse", "call", "templates"), CASES,
                         ids=[case[0] for case in CASES])
def test_any_values_in_a_verified_call_are_events_or_a_400(
    name: str, hook: Settings, parse: Callable[[Settings, WebhookRequest], list[DeliveryEvent]],
    call: Callable[[Any], WebhookRequest], templates: list[Any],
) -> None:
    @settings(max_examples=150, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow])
    @given(st.one_of(*(mutated(t) for t in templates)))
    def check(body: Any) -> None:
        try:
            events = parse(hook, call(body))
        except MalformedWebhook:
            return
        assert all(isinstance(event, DeliveryEvent) for event in events)

    check()
