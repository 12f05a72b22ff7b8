"""The published contract: OpenAPI 3 at /api/v1/schema/, docs at /api/v1/docs/ (assets
served locally), and schemathesis against the schema with no server error."""

import re

import pytest
import schemathesis
from django.contrib.staticfiles import finders
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.django_db

PATHS = {
    "/api/v1/vouchers/{code}": {"get"},
    "/api/v1/contracts": {"get"},
    "/api/v1/contracts/{contract_number}/confirmation": {"post"},
    "/api/v1/usage-records": {"get", "post"},
    "/api/v1/usage-files": {"post"},
    "/api/v1/usage-files/{file_id}": {"get"},
    "/api/v1/settlements": {"get"},
    "/api/v1/settlements/{settlement_id}": {"get"},
}


@pytest.fixture
def published(db):
    response = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_the_schema_publishes_every_endpoint_of_the_contract(published):
    assert published["openapi"].startswith("3.")
    assert {path: set(ops) - {"parameters"} for path, ops in published["paths"].items()} == PATHS


def test_every_endpoint_takes_the_bearer_key(published):
    assert published["components"]["securitySchemes"]["providerKey"] == {
        "type": "http",
        "scheme": "bearer",
        "description": published["components"]["securitySchemes"]["providerKey"]["description"],
    }
    for operations in published["paths"].values():
        for operation in operations.values():
            assert {"providerKey": []} in operation["security"]


def test_the_schema_carries_examples(published):
    batch = published["paths"]["/api/v1/usage-records"]["post"]
    assert batch["requestBody"]["content"]["application/json"]["examples"]
    assert "Idempotency-Key" in [p["name"] for p in batch["parameters"]]


def test_the_docs_page_loads_its_assets_from_this_site(db):
    html = APIClient().get("/api/v1/docs/").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and not [s for s in sources if "//" in s]
    for static in (s for s in sources if s.startswith("/static/")):
        assert finders.find(static.removeprefix("/static/")), static


# --- schemathesis: every operation, generated inputs, never a 5xx --------------------


@pytest.fixture
def one_connection():
    """The WSGI app closes the database connection after each request, as a server
    should; the test's transaction lives on that connection, so keep it open (as
    Django's test client does)."""
    signals = (request_started, request_finished)
    for signal in signals:
        signal.disconnect(close_old_connections)
    yield
    for signal in signals:
        signal.connect(close_old_connections)


@pytest.fixture
def provider_headers(one_connection, centre_key, voucher, settings):
    """A live key of a provider that has a contract and a voucher, and room to call."""
    settings.API_THROTTLE_RATE = "100000/min"
    return {"Authorization": f"Bearer {centre_key.raw}"}


# No server error, and every answer as the schema says: its status, type and shape.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Loaded as the module is collected: the schema view needs no database.
contract = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())


@contract.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_generated_requests_never_cause_a_server_error(case, provider_headers):
    case.call_and_validate(
        headers=provider_headers,
        checks=CHECKS,
    )


def _success_examples(operation: dict) -> list:
    """The examples of an operation's 2xx answers, in any media type."""
    answers = [a for status, a in operation["responses"].items() if status.startswith("2")]
    contents = [c for answer in answers for c in answer.get("content", {}).values()]
    return [
        c.get("examples") or c.get("example")
        for c in contents
        if c.get("examples") or c.get("example")
    ]


def test_every_operation_has_a_description_and_an_example(published):
    missing = []
    for path, operations in published["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            if len((operation.get("description") or "").strip()) < 40:
                missing.append(f"{method.upper()} {path}: description")
            if not _success_examples(operation):
                missing.append(f"{method.upper()} {path}: example of a success answer")
            body = operation.get("requestBody", {}).get("content", {})
            if body and not any(c.get("examples") or c.get("example") for c in body.values()):
                missing.append(f"{method.upper()} {path}: example of the request body")
    assert missing == []
