"""The OpenAPI description, made to tell the truth: every problem answer an operation can give (the
edge's refusals included) as `application/problem+json`, the shop's own store codes where a request
must name one, and the two ways a client signs in.

Routes list their own refusals in one line (`responses=problem_responses(401, 404)`); what every
request can meet before it reaches a route (the edge: 422 for unusable text, 413 for a body too big)
is added here to every operation, so no route can forget it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, ConfigDict, Field

from agent.server.fields import known_cities
from agent.server.problems import PROBLEM_JSON
from tools.taxonomy import LOCATION_ONLINE


class ValidationIssue(BaseModel):
    """One reason a request was refused: where (`loc`), what (`msg`, `type`), what is allowed."""

    model_config = ConfigDict(extra="allow")

    loc: list[str]
    msg: str
    type: str
    allowed: str | None = None


class Problem(BaseModel):
    """An RFC 9457 problem, titled in the shopper's language (Accept-Language: it, en). `code` is
    stable: clients branch on it, never on the title. Some problems carry more fields (for example
    `param` and `allowed` on an unknown filter value, `retry_after` on 429, `run_id` on a failed run,
    `out_of_stock` or `price_changes` on a refused reservation, `checks` on a 503 from /readyz)."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(examples=["https://sarto.dev/problems/not_found"])
    title: str
    status: int = Field(ge=400, le=599)
    detail: str
    code: str = Field(examples=["not_found"])
    instance: str = Field(description="the path of the request")
    errors: list[ValidationIssue] | None = Field(default=None, description="every schema violation (422)")


# What each status means anywhere in the API; a route may say more with (status, "why").
MEANING: dict[int, str] = {
    401: "Missing, expired, revoked or invalid credentials (`unauthorized`).",
    403: "The credentials are valid but may not do this.",
    404: "Not found: nothing with this id, or it is another shopper's (`not_found`).",
    409: "The request conflicts with what the shop holds now.",
    413: "The body is over 2 MiB (`payload_too_large`).",
    422: "The request breaks this description (`validation_error`, every violation in `errors`), or "
         "holds text no store can keep: a NUL byte, a lone surrogate, a body that is not UTF-8.",
    429: "Too many requests: retry after `Retry-After` seconds (`rate_limited`).",
    500: "The turn failed inside the assistant (`internal`); the run's id is in `run_id`.",
    503: "A service Sarto needs is unavailable (`unavailable`, `llm_unavailable`).",
}
_RETRY_AFTER = {"Retry-After": {"description": "seconds to wait before the next request",
                                "schema": {"type": "integer", "minimum": 1}}}
_BODY_METHODS = {"post", "put", "patch", "delete"}  # the edge reads (and bounds) their bodies
DYNAMIC_ENUM = "x-sarto-values"  # a schema marker replaced by the shop's own values (see below)
# The edge refuses text with a NUL byte anywhere (PostgreSQL cannot keep it): every string the
# description lets a client send says so, keys of open objects and free-form values included.
NO_NUL = r"^[^\x00]*$"
JSON_VALUE = "#/components/schemas/JsonValue"
JSON_VALUE_SCHEMA: dict[str, Any] = {
    "description": "Any JSON value whose text, keys included, holds no NUL byte.",
    "anyOf": [{"type": "string", "pattern": NO_NUL}, {"type": "number"}, {"type": "boolean"},
              {"type": "null"}, {"type": "array", "items": {"$ref": JSON_VALUE}},
              {"type": "object", "additionalProperties": {"$ref": JSON_VALUE},
               "propertyNames": {"pattern": NO_NUL}}]}
_SHAPING = {"$ref", "type", "anyOf", "oneOf", "allOf", "not", "enum", "const", "properties", "items"}


def problem_responses(*statuses: int | tuple[int, str]) -> dict[int | str, dict[str, Any]]:
    """The problem answers of a route, for its decorator: `problem_responses(401, (404, "why"))`."""
    out: dict[int | str, dict[str, Any]] = {}
    for item in statuses:
        status, why = item if isinstance(item, tuple) else (item, MEANING[item])
        out[status] = {"model": Problem, "description": why}
        if status == 429:
            out[status]["headers"] = _RETRY_AFTER
    return out


def stream_response(what: str) -> dict[int | str, dict[str, Any]]:
    """The 200 answer of a Server-Sent Events route; before OpenAPI 3.2 the schema is one event's."""
    event = {"type": "object", "required": ["data"], "description": what, "properties": {
        "data": {"type": "string"}, "event": {"type": "string"}, "id": {"type": "string"},
        "retry": {"type": "integer", "minimum": 0}}}
    return {200: {"description": what, "content": {"text/event-stream": {"schema": event}}}}


def shop_values(kind: str) -> dict[str, Any]:
    """`json_schema_extra` for a field whose values are the shop's own: a store code ("stores"), a
    stock location ("locations": online or a store), a city /v1/stores knows ("cities"). The
    description lists them when it is served."""
    return {DYNAMIC_ENUM: kind}


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """A parameter is absent or has a value; FastAPI's `anyOf [..., null]` for an optional one would
    have clients send the text "null"."""
    branches = schema.get("anyOf")
    if not isinstance(branches, list) or {"type": "null"} not in branches:
        return schema
    rest = [b for b in branches if b != {"type": "null"}]
    outer = {k: v for k, v in schema.items() if k != "anyOf"}
    inner: dict[str, Any] = rest[0] if len(rest) == 1 else {"anyOf": rest}
    merged = {**inner, **outer}
    if "items" in outer:  # an array parameter: the values' enum (outer) on the item type (inner)
        merged["items"] = {**inner.get("items", {}), **outer["items"]}
    return merged


def _problems_as_problem_json(operation: dict[str, Any]) -> None:
    """Every 4xx and 5xx answer is a Problem, as problem+json (FastAPI would say application/json,
    and for a request it validates, its own `HTTPValidationError`, which Sarto never sends)."""
    for status, answer in operation.get("responses", {}).items():
        if status[0] in "45":
            answer["content"] = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}
            if answer.get("description") == "Validation Error":
                answer["description"] = MEANING[422]


def _edge_statuses(method: str, operation: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    edge = [422, 413] if method in _BODY_METHODS else [422]
    for status in edge:
        responses.setdefault(str(status), {
            "description": MEANING[status],
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}})


def _no_nul_text(node: Any) -> None:
    """Every string without a pattern or a fixed set of values gets NO_NUL; every object open to
    more keys holds NUL-free keys and JSON values; a schema that allows anything allows JsonValue."""
    if isinstance(node, list):
        for child in node:
            _no_nul_text(child)
        return
    if not isinstance(node, dict):
        return
    if not _SHAPING & node.keys():
        node["$ref"] = JSON_VALUE
        return
    if node.get("type") == "string" and not {"pattern", "enum", "const"} & node.keys() \
            and node.get("format") != "binary" and "contentMediaType" not in node:
        node["pattern"] = NO_NUL  # an uploaded file is bytes, not text: its content is the importer's
    patterned = node.get("patternProperties")
    if isinstance(patterned, dict) and len(patterned) == 1 and "additionalProperties" not in node:
        # pydantic's dict with constrained keys: every key matches, so say it of every key
        (key_pattern, value), = node.pop("patternProperties").items()
        node.setdefault("propertyNames", {})["pattern"] = key_pattern
        node["additionalProperties"] = value
    if node.get("type") == "object" or "properties" in node:
        extra = node.get("additionalProperties", True)
        if extra is not False:
            names = node.setdefault("propertyNames", {})
            names.setdefault("pattern", NO_NUL)
        if extra is True or extra == {}:
            node["additionalProperties"] = {"$ref": JSON_VALUE}
    for key in ("properties",):
        for child in node.get(key, {}).values():
            _no_nul_text(child)
    for key in ("items", "additionalProperties", "anyOf", "oneOf", "allOf", "prefixItems"):
        if key in node:
            _no_nul_text(node[key])


def _tags_required(schemas: dict[str, Any]) -> None:
    """A discriminated union reads its tag (AG-UI messages: `role`): each member requires it, even
    where the member's own model has a default for it."""
    def visit(node: Any) -> None:
        if isinstance(node, dict):
            discriminator = node.get("discriminator")
            if isinstance(discriminator, dict):
                for ref in discriminator.get("mapping", {}).values():
                    member = schemas.get(ref.rsplit("/", 1)[-1], {})
                    required = member.setdefault("required", [])
                    if discriminator["propertyName"] not in required:
                        required.append(discriminator["propertyName"])
            for child in node.values():
                visit(child)
        elif isinstance(node, list):
            for child in node:
                visit(child)

    visit(schemas)


def _fill_values(node: Any, values: dict[str, list[str]]) -> None:
    if isinstance(node, dict):
        kind = node.pop(DYNAMIC_ENUM, None)
        if kind is not None:
            node["enum"] = list(values[kind])
        for child in node.values():
            _fill_values(child, values)
    elif isinstance(node, list):
        for child in node:
            _fill_values(child, values)


def describe(app: FastAPI, stores: Sequence[str], cities: Sequence[str]) -> dict[str, Any]:
    """The OpenAPI document of `app` for a shop with these store codes and store cities."""
    doc = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):  # FastAPI's own 422 shape, never sent
        schemas.pop(name, None)
    schemas.setdefault("Problem", Problem.model_json_schema(ref_template="#/components/schemas/{model}"))
    schemas["Problem"].pop("$defs", None)
    schemas.setdefault("ValidationIssue", ValidationIssue.model_json_schema())
    for schema in schemas.values():
        _no_nul_text(schema)
    schemas["JsonValue"] = JSON_VALUE_SCHEMA
    _tags_required(schemas)
    for path in doc.get("paths", {}).values():
        for method, operation in path.items():
            for parameter in operation.get("parameters", []):
                parameter["schema"] = _without_null(parameter["schema"])
                _no_nul_text(parameter["schema"])
            for media in operation.get("requestBody", {}).get("content", {}).values():
                _no_nul_text(media.get("schema"))
            _problems_as_problem_json(operation)
            _edge_statuses(method, operation)
    _fill_values(doc, {"stores": list(stores), "locations": [LOCATION_ONLINE, *stores],
                       "cities": known_cities(list(cities))})
    return doc


def install(app: FastAPI, stores: Callable[[], dict[str, str]]) -> None:
    """Serve `describe(app, ...)` as /openapi.json, built again when the shop's stores change.
    `stores()` is the shop's store directory as {code: city}."""
    built: dict[tuple[tuple[str, str], ...], dict[str, Any]] = {}

    def openapi() -> dict[str, Any]:
        directory = tuple(sorted(stores().items()))
        if directory not in built:
            built.clear()
            built[directory] = describe(app, [code for code, _ in directory],
                                        sorted({city for _, city in directory}))
        app.openapi_schema = built[directory]
        return built[directory]

    app.openapi = openapi  # type: ignore[method-assign]
