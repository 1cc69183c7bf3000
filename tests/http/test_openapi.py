"""The OpenAPI document is what partners and developers read first: every operation says
what it does and shows a request and an answer; every field says what it is and shows a
value."""

import re
from typing import Any

import pytest

from app.main import create_app
from app.openapi import example_of
from app.services import Services

METHODS = {"get", "post", "put", "delete", "patch"}


@pytest.fixture(scope="module")
def spec(services: Services) -> dict[str, Any]:
    return create_app(services=services).openapi()


def _operations(spec: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(f"{method.upper()} {path}", op) for path, ops in spec["paths"].items()
            for method, op in ops.items() if method in METHODS]


def test_every_operation_has_a_summary_and_a_description(spec: dict[str, Any]) -> None:
    bare = [name for name, op in _operations(spec)
            if not op.get("summary") or not op.get("description")]
    assert bare == []


def test_every_json_body_and_answer_shows_an_example(spec: dict[str, Any]) -> None:
    missing = []
    for name, op in _operations(spec):
        for where, body in [("request", op.get("requestBody", {})),
                            *op.get("responses", {}).items()]:
            for media_type, content in body.get("content", {}).items():
                if "json" in media_type and not ("example" in content or "examples" in content):
                    missing.append(f"{name} {where} {media_type}")
    assert missing == []


def test_every_field_is_described_and_has_an_example(spec: dict[str, Any]) -> None:
    components = spec["components"]["schemas"]
    missing = []
    for model, schema in components.items():
        for field, part in schema.get("properties", {}).items():
            if not part.get("description") and "$ref" not in part:
                missing.append(f"{model}.{field}: description")
            if example_of(part, components) is None:
                missing.append(f"{model}.{field}: example")
    assert missing == []


def test_the_compose_example_is_a_whole_request(spec: dict[str, Any]) -> None:
    op = spec["paths"]["/v1/letters/compose"]["post"]
    example = op["requestBody"]["content"]["application/json"]["example"]
    assert example["campaign_id"] == "navalny-appeal"
    assert example["sender"]["name"] == "Jane Doe"
    answer = op["responses"]["200"]["content"]["application/json"]["example"]
    assert answer["embassy"]["id"] and answer["links"]["mailto"].startswith("mailto:")


def test_every_reference_names_a_component(spec: dict[str, Any]) -> None:
    """A route that reads its own body (app.json_body.documented) names its schema by
    reference; another route must bring that schema into the components."""
    refs = set(re.findall(r"'\$ref': '#/components/schemas/([^']+)'", repr(spec)))
    assert "ComposeRequest" in refs
    assert refs - set(spec["components"]["schemas"]) == set()
