"""``/docs`` and ``/redoc`` served with no CDN, and an OpenAPI document "Try it out" can use.

Pages: Swagger UI and ReDoc are built by FastAPI's own helpers, pointed at the
files of the ``fastapi-offline`` package served under ``/docs/assets/`` (Swagger
UI 5, ReDoc 2, a favicon), so the docs work on a machine with no internet.

Document (``GET /openapi.json``, built once on first use, then cached):

- ``bearerAuth``: declared by the ``CurrentAccount`` dependency itself
  (``api/deps.py``), so every route that needs a token says so and no other.
- The attribution headers ``X-Skill-Source``, ``X-Skill-Version`` and
  ``X-Skill-Platform`` on the agent-facing routes; required on the export.
- ``X-Client-Id`` on the anonymous-token route, with its format.
- The error responses of SPEC section 2 per route, from :data:`ROUTE_CODES`:
  the envelope (OpenAI's shape under ``/v1/``) with one example per code.
  FastAPI's 422 is dropped: a validation error is answered 400, code 400.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from frameloom.api.errors import ERROR_TABLE, is_openai_route
from frameloom.services.jobs import ATTRIBUTION_HEADERS

DOCS_PATH = "/docs"
REDOC_PATH = "/redoc"
ASSETS_PATH = "/docs/assets"
SWAGGER_JS = "swagger-ui-bundle.js"
SWAGGER_CSS = "swagger-ui.css"
REDOC_JS = "redoc.standalone.js"
FAVICON = "favicon.png"

EXPORT_ROUTE = "POST /api/render/proxy/lambda"
ANONYMOUS_TOKEN_ROUTE = "POST /api/auth/anonymous-token"
# The routes agents call (the attribution headers are recorded there); not the
# health checks, metrics, download links or the register page for people.
AGENT_PREFIXES = ("/api/", "/v1/", "/run", "/apps/")
CLIENT_ID_PATTERN = "^[A-Za-z0-9_-]{1,128}$"

Json = dict[str, Any]


@dataclass(frozen=True)
class Code:
    """One row of SPEC section 2: the HTTP status, what it means, an example ``data``."""

    status: int
    meaning: str
    data: Mapping[str, object] = field(default_factory=dict)


# SPEC section 2, plus the codes of ERROR_TABLE the SPEC table does not list (403, 409, 503).
CODES: Mapping[int, Code] = {
    400: Code(400, "bad request: missing X-Client-Id, malformed JSON, invalid field",
              {"errors": [{"field": "session_id", "problem": "Field required"}]}),
    4003: Code(400, "the prompt is refused by the operator's content policy (nothing is charged)",
               {"reason": "the prompt names a refused term"}),
    1001: Code(401, "token missing, malformed, unknown or expired"),
    2001: Code(402, "not enough credits (register_url for anonymous accounts)",
               {"required": 6, "available": 2, "register_url": "http://127.0.0.1:8000/register?bind=b_123"}),
    402: Code(402, "the plan does not allow this (export, resolution, video length: data.limit and data.allowed), "
                   "or attribution headers are missing on export",
              {"reason": "export needs the attribution headers; missing: X-Skill-Source"}),
    403: Code(403, "the download link is not signed, does not match or has expired"),
    1002: Code(404, "session, media or render not found, or not the caller's"),
    409: Code(409, "conflict: already registered, or a stale draft version"),
    4002: Code(413, "file too large", {"max_bytes": 209715200}),
    4001: Code(415, "unsupported file type", {"supported": ["mp4", "mov", "png", "mp3"]}),
    429: Code(429, "rate limited; retry_after seconds, also the Retry-After header", {"retry_after": 3600}),
    500: Code(500, "internal error; never a stack trace", {"request_id": "3f2c9a1e5b7d4c60"}),
    503: Code(503, "the engine is busy or briefly unavailable; retry_after seconds, also the Retry-After header",
              {"retry_after": 5, "request_id": "3f2c9a1e5b7d4c60"}),
}

# Route -> the codes it answers besides 1001 (every route with bearerAuth) and 500
# (every route). Routes not listed get 400 when they take parameters or a body.
ROUTE_CODES: Mapping[str, tuple[int, ...]] = {
    "POST /api/auth/anonymous-token": (400, 429),
    "POST /api/auth/register": (400, 409),
    "POST /api/auth/login": (400, 1001, 409),
    "GET /api/credits/balance/simple": (),
    "POST /api/tasks/me/with-session/nemo_agent": (400,),
    "GET /api/state/nemo_agent/me/{session_id}/latest": (1002,),
    "POST /api/upload-video/nemo_agent/me/{session_id}": (400, 1002, 4001, 4002),
    "POST /api/render/proxy/lambda": (400, 1002, 2001, 402, 4003, 429, 503),
    "GET /api/render/proxy/lambda/{render_id}": (1002,),
    "DELETE /api/render/proxy/lambda/{render_id}": (1002,),
    "POST /api/jobs/video": (400, 2001, 402, 4003, 429, 503),
    "POST /api/jobs/image": (400, 2001, 402, 4003, 429, 503),
    "GET /api/jobs/{job_id}": (1002,),
    "DELETE /api/jobs/{job_id}": (1002,),
    "GET /api/engines": (),
    "POST /v1/images/generations": (400, 2001, 402, 4003, 429, 503),
    "GET /files/{key}": (400, 403, 1002),
    "GET /api/state/nemo_agent/me/{session_id}/versions": (1002,),
    "GET /api/state/nemo_agent/me/{session_id}/versions/{number}": (1002,),
    "PUT /api/state/nemo_agent/me/{session_id}/draft": (400, 1002, 409),
    "POST /api/state/nemo_agent/me/{session_id}/edits": (400, 1002, 409),
    "POST /api/state/nemo_agent/me/{session_id}/undo": (1002, 409),
    "POST /api/state/nemo_agent/me/{session_id}/redo": (1002, 409),
    "POST /run_sse": (400, 1002),
    "POST /run": (400, 1002),
    "POST /apps/{app_name}/users/{user_id}/sessions": (400,),
    "GET /apps/{app_name}/users/{user_id}/sessions": (),
    "GET /apps/{app_name}/users/{user_id}/sessions/{session_id}": (1002,),
    "GET /api/account/webhook": (),
    "PUT /api/account/webhook": (400,),
    "DELETE /api/account/webhook": (),
    "POST /api/account/webhook/secret": (),
    "GET /api/account/webhook/deliveries/{job_id}": (1002,),
    "GET /api/admin/usage": (400, 1001),  # the operator's token; 404 (no such route) when none is set
}

SKILL_DESCRIPTIONS = {
    "X-Skill-Source": "who calls: the agent skill or integration's name (usage per source is counted)",
    "X-Skill-Version": "the calling skill's version",
    "X-Skill-Platform": "where the skill runs (e.g. claude-code, cursor, cli)",
}


def install_docs(app: FastAPI) -> None:
    """Serve ``/docs``, ``/redoc`` and their assets, and replace ``app.openapi``.

    ``app`` must be built with ``docs_url=None, redoc_url=None`` and have its
    ``openapi_url`` set. Call it before any catch-all mount at ``/``, which
    would otherwise answer ``/docs`` first.
    """
    openapi_url = app.openapi_url
    if openapi_url is None:
        raise ValueError("install_docs needs app.openapi_url")
    app.mount(ASSETS_PATH, StaticFiles(directory=assets_dir()), name="docs-assets")
    title = app.title

    @app.get(DOCS_PATH, include_in_schema=False)
    def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=root + openapi_url, title=f"{title} - API docs",
            swagger_js_url=f"{root}{ASSETS_PATH}/{SWAGGER_JS}", swagger_css_url=f"{root}{ASSETS_PATH}/{SWAGGER_CSS}",
            swagger_favicon_url=f"{root}{ASSETS_PATH}/{FAVICON}", oauth2_redirect_url=None,
            # validatorUrl None: Swagger UI would otherwise send the document to swagger.io.
            swagger_ui_parameters={"validatorUrl": None, "persistAuthorization": True,
                                   "displayRequestDuration": True},
        )

    @app.get(REDOC_PATH, include_in_schema=False)
    def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_redoc_html(
            openapi_url=root + openapi_url, title=f"{title} - ReDoc", redoc_js_url=f"{root}{ASSETS_PATH}/{REDOC_JS}",
            redoc_favicon_url=f"{root}{ASSETS_PATH}/{FAVICON}", with_google_fonts=False,
        )

    app.openapi = cached_openapi(app)  # type: ignore[method-assign]


def assets_dir() -> Path:
    """The folder of Swagger UI's and ReDoc's files inside the ``fastapi-offline`` package."""
    return Path(str(files("fastapi_offline") / "static"))


def cached_openapi(app: FastAPI) -> Callable[[], Json]:
    """``app.openapi`` that builds FastAPI's document once, annotates it and keeps it."""
    cache: list[Json] = []

    def openapi() -> Json:
        if not cache:
            cache.append(annotate(copy.deepcopy(FastAPI.openapi(app))))
            app.openapi_schema = cache[0]
        return cache[0]

    return openapi


def annotate(document: Json) -> Json:
    """Add the headers and error responses described in the module docstring to ``document``."""
    components = document.setdefault("components", {})
    components.setdefault("parameters", {}).update(_skill_parameters())
    components.setdefault("schemas", {}).update(_error_schemas())
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            route = f"{method.upper()} {path}"
            _add_headers(route, path, operation)
            _set_errors(route, path, operation)
    _drop_unused_validation_schemas(document)
    return document


def _skill_parameters() -> Json:
    return {_param_key(name): {"name": name, "in": "header", "required": False, "schema": {"type": "string"},
                               "description": SKILL_DESCRIPTIONS[name]}
            for name in ATTRIBUTION_HEADERS}


def _param_key(header: str) -> str:
    return header.replace("-", "")


def _add_headers(route: str, path: str, operation: Json) -> None:
    if route == ANONYMOUS_TOKEN_ROUTE:
        _describe_client_id(operation.get("parameters", []))
    if not path.startswith(AGENT_PREFIXES):
        return
    parameters: list[Json] = operation.setdefault("parameters", [])
    for name in ATTRIBUTION_HEADERS:
        if route == EXPORT_ROUTE:
            parameters.append({"name": name, "in": "header", "required": True, "schema": {"type": "string"},
                               "description": f"{SKILL_DESCRIPTIONS[name]}. Required here: 402 (code 402) "
                                              "without all three."})
        else:
            parameters.append({"$ref": f"#/components/parameters/{_param_key(name)}"})


def _describe_client_id(parameters: list[Json]) -> None:
    for parameter in parameters:
        if parameter.get("in") == "header" and parameter.get("name", "").lower() == "x-client-id":
            parameter.update({
                "name": "X-Client-Id", "required": True,
                "description": "your client's stable id, 1 to 128 of A-Za-z0-9_-; 400 without it, "
                               "429 when it already has a token from the last 7 days",
                "schema": {"type": "string", "pattern": CLIENT_ID_PATTERN},
            })


def _set_errors(route: str, path: str, operation: Json) -> None:
    responses: Json = operation.setdefault("responses", {})
    validated = responses.pop("422", None) is not None
    codes = _codes_for(route, validated, "security" in operation)
    by_status: dict[int, list[int]] = {}
    for code in codes:
        by_status.setdefault(CODES[code].status, []).append(code)
    for status, group in by_status.items():
        responses[str(status)] = _error_response(path, group)


def _codes_for(route: str, validated: bool, needs_token: bool) -> list[int]:
    listed = ROUTE_CODES.get(route)
    codes = list(listed) if listed is not None else ([400] if validated else [])
    if needs_token:
        codes.append(1001)
    codes.append(500)
    return sorted(set(codes), key=lambda code: (CODES[code].status, code))


def _error_response(path: str, codes: Iterable[int]) -> Json:
    openai = is_openai_route(path)
    examples = {str(code): {"summary": f"code {code}: {CODES[code].meaning}",
                            "value": _openai_example(code) if openai else _envelope_example(code)}
                for code in codes}
    description = "; ".join(f"code {code}: {CODES[code].meaning}" for code in codes)
    schema = "OpenAIError" if openai else "ErrorEnvelope"
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"},
                                             "examples": examples}}}


def _envelope_example(code: int) -> Json:
    return {"code": code, "message": CODES[code].meaning, "data": dict(CODES[code].data)}


def _openai_example(code: int) -> Json:
    kind = next((rule.openai_type for rule in ERROR_TABLE if rule.code == code), "invalid_request_error")
    return {"error": {"message": CODES[code].meaning, "type": kind, "code": str(code), "param": None}}


def _error_schemas() -> Json:
    return {
        "ErrorEnvelope": {
            "type": "object", "required": ["code", "message", "data"],
            "description": "Every error of the /api/ routes (SPEC section 2): code is not 0.",
            "properties": {"code": {"type": "integer"}, "message": {"type": "string"},
                           "data": {"type": "object", "additionalProperties": True}},
        },
        "OpenAIError": {
            "type": "object", "required": ["error"],
            "description": "Errors of the OpenAI-compatible routes under /v1/; code is the SPEC code as a string.",
            "properties": {"error": {
                "type": "object", "required": ["message", "type", "code"],
                "properties": {"message": {"type": "string"}, "type": {"type": "string"},
                               "code": {"type": "string"}, "param": {"type": ["string", "null"]},
                               "data": {"type": "object", "additionalProperties": True}},
            }},
        },
    }


def _drop_unused_validation_schemas(document: Json) -> None:
    """FastAPI's ``HTTPValidationError`` and ``ValidationError`` describe the 422 we never send."""
    schemas: Json = document["components"]["schemas"]
    for name in ("HTTPValidationError", "ValidationError"):
        others = {key: value for key, value in schemas.items() if key != name}
        text = json.dumps([document.get("paths", {}), others])
        if f'"#/components/schemas/{name}"' not in text:
            schemas.pop(name, None)
