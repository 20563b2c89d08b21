"""The published OpenAPI document and the docs page, which loads nothing from elsewhere."""

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PATHS = {
    "/api/v1/patients": {"get", "post"},
    "/api/v1/patients/{patient_uuid}": {"get", "patch"},
    "/api/v1/patients/{patient_uuid}/episodes": {"get", "post"},
    "/api/v1/episodes/{episode_uuid}/discharge": {"post"},
    "/api/v1/patients/{patient_uuid}/orders": {"get", "post"},
    "/api/v1/orders/{order_uuid}": {"get"},
    "/api/v1/orders/{order_uuid}/sign": {"post"},
    "/api/v1/orders/{order_uuid}/change": {"post"},
    "/api/v1/orders/{order_uuid}/end": {"post"},
    "/api/v1/patients/{patient_uuid}/doses": {"get"},
    "/api/v1/orders/{order_uuid}/doses": {"post"},
    "/api/v1/queue": {"get"},
    "/api/v1/inventory/products": {"get"},
    "/api/v1/inventory/bottles": {"get"},
    "/api/v1/inventory/receipts": {"post"},
    "/api/v1/inventory/bottles/{bottle_uuid}/ledger": {"get"},
    "/api/v1/inventory/bottles/{bottle_uuid}/counts": {"post"},
    "/api/v1/inventory/counts": {"get"},
    "/api/v1/inventory/counts/{count_uuid}/close": {"post"},
    "/api/v1/patients/{patient_uuid}/injections": {"get", "post"},
    "/api/v1/injections/due": {"get"},
    "/api/v1/patients/{patient_uuid}/withdrawal": {"get"},
    "/api/v1/patients/{patient_uuid}/withdrawal/doses": {"post"},
    "/api/v1/patients/{patient_uuid}/impairment": {"post"},
    "/api/v1/patients/{patient_uuid}/naloxone": {"get"},
    "/api/v1/patients/{patient_uuid}/naloxone/kits": {"post"},
    "/api/v1/patients/{patient_uuid}/naloxone/offers": {"post"},
    "/api/v1/patients/{patient_uuid}/takehomes": {"get"},
    "/api/v1/patients/{patient_uuid}/takehomes/assessments": {"post"},
    "/api/v1/orders/{order_uuid}/takehomes": {"post"},
    "/api/v1/takehomes/labels": {"get"},
    "/api/v1/takehomes/bottles/{bottle_uuid}/return": {"post"},
    "/api/v1/patients/{patient_uuid}/takehomes/recalls": {"post"},
    "/api/v1/takehomes/recalls/{recall_uuid}/outcome": {"post"},
    "/api/v1/takehomes/worklist": {"get"},
    "/api/v1/takehomes/concerns/{concern_uuid}/acknowledge": {"post"},
}


@pytest.fixture
def document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def test_the_document_lists_every_endpoint(document):
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "Mooring API"
    assert {path: set(ops) for path, ops in document["paths"].items()} == PATHS


def test_every_reference_resolves_and_every_path_parameter_is_declared(document):
    schemas = document["components"]["schemas"]
    for ref in set(_refs(document)):
        assert ref.startswith("#/components/schemas/")
        assert ref.rsplit("/", 1)[1] in schemas, ref
    for path, operations in document["paths"].items():
        wanted = set(re.findall(r"{(\w+)}", path))
        for operation in operations.values():
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert declared == wanted, (path, declared)
            assert operation["responses"]


def test_errors_are_documented_as_problem_json_and_auth_is_required(document):
    for operations in document["paths"].values():
        for operation in operations.values():
            assert {"TokenAuth": []} in operation["security"]
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    assert list(response["content"]) == ["application/problem+json"]
                    schema = response["content"]["application/problem+json"]["schema"]
                    assert schema["$ref"].endswith("/Problem")
    schemes = document["components"]["securitySchemes"]
    assert schemes["TokenAuth"] == {"type": "http", "scheme": "bearer"}


def test_choices_list_their_values_and_no_schema_exposes_a_database_id(document):
    schemas = document["components"]["schemas"]
    assert schemas["SexAtBirth"]["enum"] == ["female", "male", "intersex", "unknown"]
    assert schemas["DischargeReason"]["enum"] == ["1", "2", "3", "4", "5", "6", "7"]
    assert "otp" in schemas["ProgramType"]["enum"]
    assert schemas["PatientCreate"]["additionalProperties"] is False
    for name, schema in schemas.items():
        assert "id" not in schema.get("properties", {}), name


def test_the_docs_page_serves_swagger_from_this_server(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any("swagger-ui-bundle.js" in s for s in sources)
    assert all(s.startswith("/") for s in sources), sources
    assert "cdn" not in html.lower()
    assert "unpkg" not in html.lower()
    assert "<script>" not in html  # no inline code: the settings travel as JSON data
    assert '"validatorUrl": null' in html  # no badge fetched from swagger.io
    for source in sources:
        assert Client().get(source).status_code == 200, source


def test_api_docs_redirects_to_the_versioned_docs(client):
    response = client.get("/api/docs")
    assert response.status_code == 302
    assert response["Location"] == "/api/v1/docs"
