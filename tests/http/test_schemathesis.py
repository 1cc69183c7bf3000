"""Schemathesis against /openapi.json, in-process: no 5xx, every answer as the schema says.

Every operation the document lists is exercised, with valid and with invalid data; none is
excluded. Bounded so it runs in well under two minutes: 25 generated examples per operation
and mode, no deadline (CI machines vary). Driven through schemathesis' Python API, with
Hypothesis directly, because its lazy pytest loader does not work with this pytest.
"""

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import APIOperation, Case, GenerationMode
from schemathesis.checks import positive_data_acceptance
from schemathesis.core.failures import FailureGroup
from schemathesis.python.asgi import shutdown_lifespans
from schemathesis.specs.openapi.schemas import OpenApiSchema

from app.main import create_app
from app.services import Services
from app.settings import Settings

EXAMPLES = 25


# An invalid body can also be refused for its size (413, before it is read): that is a
# rejection too, which Schemathesis' default list of rejecting statuses leaves out.
REJECTIONS = [400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 428, 429, "5xx"]
CONFIG = schemathesis.Config.from_dict(
    {"checks": {"negative_data_rejection": {"expected-statuses": REJECTIONS}}}
)


@pytest.fixture
def api_schema(services: Services, app_settings: Settings) -> Iterator[OpenApiSchema]:
    # Rate limits would turn most generated requests into 429s and test nothing else.
    relaxed = app_settings.model_copy(
        update={"rate_limit_compose": "100000/minute", "rate_limit_send": "100000/minute"}
    )
    app = create_app(relaxed, services=services)
    yield schemathesis.openapi.from_asgi("/openapi.json", app, config=CONFIG)
    shutdown_lifespans()


# Where a request valid by the schema can still be refused with 422, and why: these are
# constraints across fields or against data, which OpenAPI cannot express. Only the check
# "schema-valid requests are accepted" is skipped for them; every other check runs.
SEMANTIC_422 = {
    # The place comes from lat+lon, q, country or, lacking all, the client's IP address; the
    # in-process client has no routable address, so "none given" is a documented 422.
    "GET /v1/embassies/nearest": "a place is needed unless the client's address locates",
    "POST /v1/letters/compose": "a place is needed unless embassy_id or the address tells",
    "POST /v1/letters/pdf": "a place is needed unless embassy_id or the address tells",
    # `format: email` admits addresses at reserved names (x@y.test) that email-validator,
    # rightly, refuses; and the place rule above holds here too.
    "POST /v1/letters": "an address at a reserved domain; a place is needed as for compose",
    # Two letters that name no country (XX) match the pattern and are refused.
    "GET /v1/embassies": "a well-formed country code that names no country",
    # The embed form's fields are all optional text, as a browser may send them empty; the
    # letter still needs a name and a place (the compose rules), said on the page as a 422.
    "POST /embed/{campaign_id}": "a name and a place are needed, as for compose",
    "POST /embed/{campaign_id}/pdf": "a name and a place are needed, as for compose",
}


def exercise(operation: APIOperation, mode: GenerationMode) -> int:
    """Send up to EXAMPLES generated requests; how many went."""
    sent = 0
    skipped = [positive_data_acceptance] if operation.label in SEMANTIC_422 else []

    @given(case=operation.as_strategy(mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Case) -> None:
        nonlocal sent
        sent += 1
        case.call_and_validate(excluded_checks=skipped)

    run()
    return sent


def test_every_operation_answers_as_documented(api_schema: OpenApiSchema) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 10  # the whole document, not an empty one
    failures: list[str] = []
    sent = 0
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                sent += exercise(operation, mode)
            except Unsatisfiable:
                # Nothing about this operation can be made invalid (no parameters, or a
                # path segment that takes any string): there is no negative case to send.
                assert mode is GenerationMode.NEGATIVE, operation.label
            except (Exception, FailureGroup) as error:  # collect all: one run names every offender
                failures.append(f"{operation.label} [{mode.value}]: {error}")
    assert not failures, "\n\n".join(failures)
    assert sent > 10 * len(operations)  # it really sent requests
