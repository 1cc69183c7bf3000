"""HTTP for providers' delivery events: `POST /v1/webhooks/{provider}`."""

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from app.delivery.provider import InvalidSignature, WebhookRequest
from app.delivery.registry import UnknownProvider, read_webhook
from app.delivery.webhooks import apply_events
from app.deps import ResourcesDep, SettingsDep
from app.errors import NotFound, Unauthorized
from app.problems import responses

router = APIRouter(prefix="/webhooks", tags=["delivery"])


class WebhookAnswer(BaseModel):
    events: int = Field(examples=[1], description="Events the call carried.")
    matched: int = Field(examples=[1], description="Events that named one of our letters.")


@router.post(
    "/{provider}",
    summary="Delivery events from an e-mail provider (signature checked)",
    responses=responses(400, 401, 404, 413, 503),
)
async def provider_webhook(
    provider: str, request: Request, settings: SettingsDep, resources: ResourcesDep
) -> WebhookAnswer:
    """Moves letters to delivered, bounced or failed. Unsigned or wrongly signed calls are
    401 and change nothing; a provider we do not know is 404."""
    call = WebhookRequest.of(request.headers, request.query_params, await request.body())
    try:
        events = await read_webhook(provider, settings, call, resources.certificates)
    except UnknownProvider as error:
        raise NotFound(f"No webhooks are taken for {provider[:40]!r}.") from error
    except InvalidSignature as error:
        raise Unauthorized("The webhook's signature does not verify.") from error
    matched = await apply_events(resources.worker.dispatch, events, datetime.now(UTC))
    return WebhookAnswer(events=len(events), matched=matched)
