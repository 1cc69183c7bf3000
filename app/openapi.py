"""The OpenAPI document, with an example for every request and answer.

Examples are written once, on the fields (`Field(examples=[...])`); this assembles them
into a whole example body for each operation's request and answers, so the docs show a
complete request to try and a complete answer, and they cannot drift from the models.
"""

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from app import problems

Schema = Mapping[str, Any]
_MAX_DEPTH = 8  # self-referencing schemas stop here instead of recursing forever


def install(app: FastAPI) -> None:
    """Replace `app.openapi` with one that adds the assembled examples (built once)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = get_openapi(title=app.title, version=app.version,
                               description=app.description, routes=app.routes)
            answer_validation_as_problems(spec)
            declare_common_answers(spec)
            add_examples(spec)
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def answer_validation_as_problems(spec: dict[str, Any]) -> None:
    """FastAPI documents its own 422 shape; this service answers problem+json instead."""
    problem = problems.responses(422)[422]
    for operation in _operations(spec):
        answer = operation.get("responses", {}).get("422")
        if answer is not None and _refers_to(answer, "HTTPValidationError"):
            operation["responses"]["422"] = {"description": problem["description"],
                                             "content": problem["content"]}
    schemas = spec.get("components", {}).get("schemas", {})
    if not _refers_to(spec.get("paths", {}), "HTTPValidationError"):
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)


# --- ops: what every operation can answer, whatever its router declares -----------------
# Bodies are refused before any route runs: unparseable (400), too large (413), not JSON (415).
_BODY_ANSWERS = (400, 413, 415)


def declare_common_answers(spec: dict[str, Any]) -> None:
    """Declare the answers middleware and app-wide dependencies give, so clients (and
    Schemathesis) find every status in the document. The partner key is optional: an
    operation's security lists the empty requirement beside it."""
    for operation in _operations(spec):
        declared = operation.setdefault("responses", {})
        statuses = list(_BODY_ANSWERS) if "requestBody" in operation else []
        if any("PartnerKey" in requirement for requirement in operation.get("security", [])):
            operation["security"] = [{}, *[r for r in operation["security"] if r]]
            statuses += [401, 503]  # a wrong key; the partner table not loaded yet
        for status in statuses:
            if str(status) not in declared:
                problem = problems.responses(status)[status]
                declared[str(status)] = {"description": problem["description"],
                                         "content": problem["content"]}


def _refers_to(part: Any, name: str) -> bool:
    return f"#/components/schemas/{name}" in repr(part)


def add_examples(spec: dict[str, Any]) -> None:
    """An `example` on every JSON request body and answer that has none of its own."""
    components = spec.get("components", {}).get("schemas", {})
    for operation in _operations(spec):
        bodies = [operation.get("requestBody", {}),
                  *operation.get("responses", {}).values()]
        for body in bodies:
            for media_type, content in body.get("content", {}).items():
                if "json" in media_type and "schema" in content and not _has_example(content):
                    example = example_of(content["schema"], components)
                    if example is not None:
                        content["example"] = example


def example_of(schema: Schema, components: Mapping[str, Schema], depth: int = 0) -> Any:
    """An example value for `schema`: its own, else one assembled from its parts."""
    if depth > _MAX_DEPTH:
        return None
    if "$ref" in schema:
        return example_of(components[schema["$ref"].rsplit("/", 1)[-1]], components, depth + 1)
    for key in ("examples", "example", "default", "enum", "const"):
        if key in schema:
            return _first(schema[key], key)
    for key in ("anyOf", "oneOf", "allOf"):
        parts = [p for p in schema.get(key, []) if p.get("type") != "null"]
        if parts:
            return example_of(parts[0], components, depth + 1)
    return _structured(schema, components, depth)


def _structured(schema: Schema, components: Mapping[str, Schema], depth: int) -> Any:
    if schema.get("type") == "array" and "items" in schema:
        item = example_of(schema["items"], components, depth + 1)
        return [] if item is None else [item]
    if "properties" in schema:
        example = {name: example_of(part, components, depth + 1)
                   for name, part in schema["properties"].items()}
        return {name: value for name, value in example.items() if value is not None}
    return None


def _first(value: Any, key: str) -> Any:
    if key in ("examples", "enum") and isinstance(value, list):
        return value[0] if value else None
    return value


def _has_example(content: Schema) -> bool:
    return "example" in content or "examples" in content


def _operations(spec: Mapping[str, Any]) -> list[dict[str, Any]]:
    methods = {"get", "put", "post", "delete", "patch", "options", "head"}
    return [op for path in spec.get("paths", {}).values()
            for method, op in path.items() if method in methods]
