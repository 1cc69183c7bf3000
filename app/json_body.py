"""A JSON request body read and checked by the route itself, with the answers FastAPI gives.

For the hot compose route: FastAPI's handling of a declared `body: Model` (its body reading,
the per-request dependency solving that comes with it, response-model checking) cost a
compose request about as much as composing the letter. These read the same bytes by the same
rules and raise the same exceptions, so app.problems answers exactly as it does for a
declared body: malformed JSON is a 422 `json_invalid`, bytes that do not decode a 400, a body
not declared as JSON the 415, and a bad field one 422 entry each. tests/test_json_body.py
holds these answers against FastAPI's own for a table of bodies and content types.

The route declares what it reads for the OpenAPI document with `openapi_extra=documented(M)`.
"""

import json
from collections.abc import Callable
from typing import Any, Final, TypeVar

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from starlette.exceptions import HTTPException

from app.headers import header

M = TypeVar("M", bound=BaseModel)


class _Missing:
    """No body at all (FastAPI's `Undefined`): validation says the body is required."""


MISSING: Final = _Missing()


async def read_json(request: Request) -> Any:
    """The parsed JSON; the raw bytes when the content type is not JSON; MISSING when empty."""
    try:
        raw = await request.body()
        if not raw:
            return MISSING
        if not is_json(header(request, "content-type")):
            return raw  # fails validation at the body itself: app.problems answers 415
        return loads(raw)
    except json.JSONDecodeError as exc:
        raise RequestValidationError(
            [{"type": "json_invalid", "loc": ("body", exc.pos), "msg": "JSON decode error",
              "input": {}, "ctx": {"error": exc.msg}}],
            body=exc.doc,
        ) from exc
    except HTTPException:
        raise  # a body over its size limit (app.middleware.body_limit), raised while reading
    except Exception as exc:  # not UTF-8, nesting too deep, a number of thousands of digits
        raise HTTPException(400, "There was an error parsing the body") from exc


# What `json.loads` ends in: its default decoder's scanner (C), which parses one value at an
# index and says where it ended.
_SCAN: Final[Callable[[str, int], tuple[Any, int]]] = (
    json.JSONDecoder().scan_once  # type: ignore[attr-defined]  # set in __init__, untyped
)


def loads(raw: bytes) -> Any:
    """`json.loads(raw)`, for an object's bytes without its Python steps (~11K instructions of
    a compose request): bytes that begin with "{" and a non-zero byte are UTF-8 to it
    (`json.detect_encoding`), no whitespace is skipped before the object, and an object
    that ends at the last byte leaves nothing over. Anything else, and any error, is
    `json.loads`'s own to parse or raise as it does."""
    if raw[:1] == b"{" and raw[1:2] not in (b"", b"\x00") and raw[-1:] == b"}":
        try:
            text = raw.decode("utf-8", "surrogatepass")  # as json.loads decodes UTF-8
            value, end = _SCAN(text, 0)
        except Exception:
            pass  # json.loads below raises it as it would
        else:
            if end == len(text):
                return value
    return json.loads(raw)


def validated(model: type[M], value: Any) -> M:
    """`value` as `model`, or the 422 FastAPI raises for a declared body (locations under
    "body"). `from_attributes` as FastAPI validates: it words some errors differently."""
    if value is MISSING:
        raise RequestValidationError(
            [{"type": "missing", "loc": ("body",), "msg": "Field required", "input": None}]
        )
    try:
        return model.model_validate(value, from_attributes=True)
    except ValidationError as exc:
        errors = [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
        raise RequestValidationError(errors, body=value) from None


def is_json(content_type: str | None) -> bool:
    """FastAPI's test (it parses the header with `email.message`): the media type before any
    ";", stripped and lower-cased, is one "/" apart, `application/json` or `application/*+json`.
    """
    media = (content_type or "").partition(";")[0].strip().lower()
    if media.count("/") != 1:
        return False
    main, _, sub = media.partition("/")
    return main == "application" and (sub == "json" or sub.endswith("+json"))


def documented(model: type[BaseModel]) -> dict[str, Any]:
    """`openapi_extra` for a route that reads a required JSON `model` itself: the request body
    FastAPI documents for a declared one. The schema must be in the document's components
    (another route declares `model`; tests/http/test_openapi.py resolves every reference)."""
    schema = {"$ref": f"#/components/schemas/{model.__name__}"}
    return {"requestBody": {"content": {"application/json": {"schema": schema}},
                            "required": True}}
