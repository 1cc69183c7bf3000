"""GET /metrics: the Prometheus text format, read at scrape time."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.metrics import CONTENT_TYPE, Metrics

router = APIRouter(tags=["operations"])


def _metrics(request: Request) -> Metrics:
    metrics: Metrics = request.app.state.metrics
    return metrics


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={
        200: {
            "description": "Counters, gauges and histograms in the text exposition format",
            "content": {
                "text/plain": {
                    "example": 'letters_http_requests_total{method="GET",'
                    'route="/healthz",status="200"} 3.0\n'
                }
            },
        }
    },
)
async def metrics(request: Request) -> Response:
    """Requests by route template and status, latencies, letters, outbox and providers."""
    return Response(await _metrics(request).render(), media_type=CONTENT_TYPE)
