"""``/docs`` works offline and its "Try it out" works: assets served by the server itself, the
Bearer scheme, the attribution headers and SPEC section 2's error codes in the OpenAPI document."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from frameloom.api.docs import CODES, ROUTE_CODES
from frameloom.api.errors import ERROR_TABLE

from .conftest import bearer

CHROMIUM = Path("/usr/bin/chromium")
SKILL_HEADERS = ("X-Skill-Source", "X-Skill-Version", "X-Skill-Platform")
CONTENT_TYPES = {".js": "javascript", ".css": "text/css", ".png": "image/png", ".json": "application/json"}


class _References(HTMLParser):
    """Every URL an HTML page makes the browser load: src, href and ReDoc's spec-url."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value for name, value in attrs if name in {"src", "href", "spec-url"} and value]


def references(page: str) -> list[str]:
    parser = _References()
    parser.feed(page)
    # Swagger UI's document URL sits in the inline script: ``url: '/openapi.json'``.
    return parser.urls + re.findall(r"\burl: '([^']+)'", page)


def operation(schema: dict[str, Any], route: str) -> dict[str, Any]:
    method, path = route.split(" ", 1)
    found: dict[str, Any] = schema["paths"][path][method.lower()]
    return found


def header_names(schema: dict[str, Any], op: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The operation's header parameters by name, ``$ref``s resolved."""
    params = [schema["components"]["parameters"][p["$ref"].rsplit("/", 1)[1]] if "$ref" in p else p
              for p in op.get("parameters", [])]
    return {p["name"]: p for p in params if p["in"] == "header"}


def example_codes(op: dict[str, Any], status: int) -> set[int]:
    examples = op["responses"][str(status)]["content"]["application/json"]["examples"]
    return {int(name) for name in examples}


@pytest.fixture
def schema(client: TestClient) -> dict[str, Any]:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


# --- the pages load everything from the server itself -------------------------------------------


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_pages_load_every_file_from_the_server_itself(client: TestClient, page: str) -> None:
    response = client.get(page)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert not re.findall(r"https?://", response.text), "a URL leaves the server"
    urls = references(response.text)
    assert "/openapi.json" in urls
    assert len(urls) >= 3  # the script, the favicon and the document, at least

    for url in urls:
        parts = urlsplit(url)
        assert not parts.scheme, f"{url} leaves the server"
        assert not parts.netloc, f"{url} leaves the server"
        fetched = client.get(url)
        assert fetched.status_code == 200, url
        assert len(fetched.content) > 0, url
        suffix = Path(parts.path).suffix
        assert CONTENT_TYPES[suffix] in fetched.headers["content-type"], url


def test_the_swagger_ui_page_runs_swagger_ui_5_with_no_online_validator(client: TestClient) -> None:
    page = client.get("/docs").text
    assert '"validatorUrl": null' in page
    bundle = client.get("/docs/assets/swagger-ui-bundle.js").text
    assert re.search(r'PACKAGE_VERSION:"5\.\d+\.\d+"', bundle)


def test_the_default_cdn_pages_are_gone(app: FastAPI) -> None:
    assert app.docs_url is None
    assert app.redoc_url is None
    assert app.openapi_url == "/openapi.json"


# --- the document: security, headers --------------------------------------------------------------


def test_the_document_is_built_once(app: FastAPI, client: TestClient) -> None:
    first = app.openapi()
    assert app.openapi() is first
    assert client.get("/openapi.json").json() == json.loads(json.dumps(first))


def test_bearer_scheme_applies_to_token_routes_only(schema: dict[str, Any]) -> None:
    assert schema["components"]["securitySchemes"]["bearerAuth"]["type"] == "http"
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    for route in ("GET /api/credits/balance/simple", "POST /api/render/proxy/lambda",
                  "POST /api/upload-video/nemo_agent/me/{session_id}", "POST /v1/images/generations"):
        assert operation(schema, route)["security"] == [{"bearerAuth": []}], route
    for route in ("POST /api/auth/anonymous-token", "POST /api/auth/register", "POST /api/auth/login",
                  "GET /healthz", "GET /readyz", "GET /metrics", "GET /files/{key}", "GET /register"):
        assert "security" not in operation(schema, route), route


def test_a_missing_token_is_still_answered_1001_in_the_envelope(client: TestClient) -> None:
    for headers in ({}, {"Authorization": "Basic dXNlcjpwYXNz"}, {"Authorization": "Bearer"}):
        response = client.get("/api/credits/balance/simple", headers=headers)
        assert response.status_code == 401, headers
        assert response.json() == {"code": 1001, "message": response.json()["message"], "data": {}}


def test_the_bearer_scheme_swagger_ui_sends_is_accepted(client: TestClient, token: str) -> None:
    response = client.get("/api/credits/balance/simple", headers=bearer(token))
    assert response.status_code == 200
    assert response.json()["code"] == 0


def test_export_requires_the_attribution_headers_in_the_docs(schema: dict[str, Any]) -> None:
    headers = header_names(schema, operation(schema, "POST /api/render/proxy/lambda"))
    for name in SKILL_HEADERS:
        assert headers[name]["required"] is True
        assert "402" in headers[name]["description"]


def test_other_agent_routes_declare_the_attribution_headers_as_optional(schema: dict[str, Any]) -> None:
    for route in ("GET /api/credits/balance/simple", "POST /api/auth/anonymous-token", "POST /v1/images/generations"):
        headers = header_names(schema, operation(schema, route))
        assert all(headers[name]["required"] is False for name in SKILL_HEADERS), route
    assert not header_names(schema, operation(schema, "GET /healthz"))


def test_anonymous_token_declares_x_client_id(schema: dict[str, Any]) -> None:
    client_id = header_names(schema, operation(schema, "POST /api/auth/anonymous-token"))["X-Client-Id"]
    assert client_id["required"] is True
    assert re.fullmatch(client_id["schema"]["pattern"], "agent_01-x")
    assert not re.fullmatch(client_id["schema"]["pattern"], "a" * 129)


def test_the_documented_x_client_id_spelling_works(client: TestClient) -> None:
    response = client.post("/api/auth/anonymous-token", headers={"X-Client-Id": "docs-spelling"})
    assert response.status_code == 200


# --- the document: error codes ------------------------------------------------------------------


def test_error_responses_per_route(schema: dict[str, Any]) -> None:
    expected = {
        "GET /api/credits/balance/simple": {401: {1001}, 500: {500}},
        "POST /api/auth/anonymous-token": {400: {400}, 429: {429}, 500: {500}},
        "GET /api/state/nemo_agent/me/{session_id}/latest": {401: {1001}, 404: {1002}, 500: {500}},
        "POST /api/render/proxy/lambda":
            {400: {400, 4003}, 401: {1001}, 402: {2001, 402}, 404: {1002}, 429: {429}, 500: {500}, 503: {503}},
        "POST /api/upload-video/nemo_agent/me/{session_id}":
            {400: {400}, 401: {1001}, 404: {1002}, 413: {4002}, 415: {4001}, 500: {500}},
    }
    for route, statuses in expected.items():
        op = operation(schema, route)
        errors = {int(status) for status in op["responses"] if int(status) >= 400}
        assert errors == set(statuses), route
        for status, codes in statuses.items():
            assert example_codes(op, status) == codes, (route, status)
            description = op["responses"][str(status)]["description"]
            assert all(f"code {code}" in description for code in codes), (route, status)


def test_error_examples_are_envelopes_and_openai_errors_under_v1(schema: dict[str, Any]) -> None:
    paid = operation(schema, "POST /api/jobs/image")["responses"]["402"]["content"]["application/json"]
    assert paid["schema"] == {"$ref": "#/components/schemas/ErrorEnvelope"}
    assert paid["examples"]["2001"]["value"]["code"] == 2001
    assert set(paid["examples"]["2001"]["value"]["data"]) == {"required", "available", "register_url"}
    openai = operation(schema, "POST /v1/images/generations")["responses"]["402"]["content"]["application/json"]
    assert openai["schema"] == {"$ref": "#/components/schemas/OpenAIError"}
    assert openai["examples"]["2001"]["value"]["error"] == {
        "message": CODES[2001].meaning, "type": "insufficient_quota", "code": "2001", "param": None}


def test_no_operation_documents_fastapis_422(schema: dict[str, Any]) -> None:
    for path, item in schema["paths"].items():
        for method, op in item.items():
            assert "422" not in op["responses"], f"{method} {path}"
            assert "500" in op["responses"], f"{method} {path}"
    assert "HTTPValidationError" not in schema["components"]["schemas"]


def test_a_real_error_has_the_documented_shape(client: TestClient, schema: dict[str, Any], headers: dict[str, str]) -> None:
    envelope = schema["components"]["schemas"]["ErrorEnvelope"]
    body = client.get("/api/state/nemo_agent/me/nope/latest", headers=headers).json()
    assert set(body) == set(envelope["properties"]) == set(envelope["required"])
    assert body["code"] == 1002


def test_the_code_table_agrees_with_the_error_table() -> None:
    for rule in ERROR_TABLE:
        assert CODES[rule.code].status == rule.status, rule.exc_type.__name__


def test_the_route_table_names_only_real_routes(schema: dict[str, Any]) -> None:
    routes = {f"{method.upper()} {path}" for path, item in schema["paths"].items() for method in item}
    assert set(ROUTE_CODES) <= routes
    assert all(code in CODES for codes in ROUTE_CODES.values() for code in codes)


def test_every_reference_in_the_document_resolves(schema: dict[str, Any]) -> None:
    refs = set(re.findall(r'"\$ref": "#/([^"]+)"', json.dumps(schema)))
    assert refs
    for ref in refs:
        node: Any = schema
        for part in ref.split("/"):
            node = node[part]


def test_the_document_is_valid_openapi(schema: dict[str, Any]) -> None:
    validator = pytest.importorskip("openapi_spec_validator", reason="openapi-spec-validator is not installed")
    validator.validate(schema)


# --- in a real browser ----------------------------------------------------------------------------


def test_swagger_ui_renders_and_try_it_out_works_offline(
    app: FastAPI, live_server: Callable[[Any], str], schema: dict[str, Any], token: str
) -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (Debian: apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
    base = live_server(app)
    operations = sum(len(item) for item in schema["paths"].values())
    outside: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            page = browser.new_page()
            page.on("request", lambda request: None if request.url.startswith(base) else outside.append(request.url))
            page.goto(f"{base}/docs")
            page.wait_for_selector(".opblock", timeout=30_000)
            assert page.locator(".opblock").count() == operations

            page.click("button.authorize")
            page.fill(".modal-ux input[type=text], .modal-ux input[type=password]", token)
            page.click(".modal-ux button.authorize")
            page.click(".modal-ux button.btn-done")
            balance = page.locator("#operations-credits-balance_api_credits_balance_simple_get")
            balance.locator(".opblock-summary").click()
            balance.locator("button.try-out__btn").click()
            balance.locator("button.execute").click()
            status = balance.locator(".live-responses-table tbody .response-col_status").first
            status.wait_for(timeout=30_000)
            assert status.inner_text().strip() == "200"
        finally:
            browser.close()
    assert outside == []
