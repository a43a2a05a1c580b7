"""The OpenAPI schema: generated without warnings, valid, every operation documented with
examples and the shared error responses; the docs page is served with local assets."""

from __future__ import annotations

import io
import json

import pytest
import yaml
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict:
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield path, method, operation


def test_the_schema_generates_without_warnings_and_validates():
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi", stdout=out)
    document = yaml.safe_load(out.getvalue())
    assert document["openapi"].startswith("3.")
    assert "/api/v1/daily-logs/bulk/" in document["paths"]


def test_every_endpoint_is_there(schema):
    expected = {
        ("/api/v1/athletes/", "get"),
        ("/api/v1/cases/", "get"),
        ("/api/v1/cases/{id}/fhir/", "get"),
        ("/api/v1/fhir/metadata", "get"),
        ("/api/v1/fhir/Questionnaire/daily-log", "get"),
        ("/api/v1/fhir/QuestionnaireResponse/log-{log_id}", "get"),
        ("/api/v1/care-team-members/", "post"),
        ("/api/v1/templates/{id}/", "get"),
        ("/api/v1/plans/{id}/transitions/", "post"),
        ("/api/v1/daily-logs/bulk/", "post"),
        ("/api/v1/sessions/bulk/", "post"),
        ("/api/v1/device-metrics/bulk/", "post"),
        ("/api/v1/assessments/", "post"),
        ("/api/v1/flags/{id}/acknowledge/", "post"),
        ("/api/v1/flags/{id}/resolve/", "post"),
    }
    assert expected <= {(path, method) for path, method, _ in operations(schema)}


def test_every_operation_has_examples(schema):
    missing = []
    for path, method, operation in operations(schema):
        bodies = [operation.get("requestBody", {}).get("content", {})]
        bodies += [r.get("content", {}) for r in operation["responses"].values()]
        if not any(media.get("examples") for content in bodies for media in content.values()):
            missing.append(f"{method.upper()} {path}")
    assert missing == []


def test_every_operation_documents_the_shared_errors(schema):
    for path, method, operation in operations(schema):
        responses = operation["responses"]
        assert {"401", "403", "429"} <= set(responses), (method, path)
        if "{" in path:
            assert "404" in responses, (method, path)
        if method != "get":
            assert "400" in responses, (method, path)
        if "/fhir" in path:  # FHIR's errors are OperationOutcomes
            error = responses["401"]["content"]["application/fhir+json"]["schema"]
            assert error == {"$ref": "#/components/schemas/OperationOutcome"}
            continue
        error = responses["401"]["content"]["application/json"]["schema"]
        assert error == {"$ref": "#/components/schemas/Error"}
    assert set(schema["components"]["schemas"]["Error"]["properties"]) == {
        "detail",
        "code",
        "errors",
    }


def test_two_views_of_a_case_are_told_apart_by_access(schema):
    case = schema["components"]["schemas"]["Case"]
    assert case["discriminator"]["propertyName"] == "access"
    assert set(case["discriminator"]["mapping"]) == {"clinical", "summary"}
    summary = schema["components"]["schemas"]["CaseSummary"]["properties"]
    for clinical_field in ("site", "grade", "imaging", "vitamin_d_nmol_l", "diagnosed_on"):
        assert clinical_field not in summary


def test_token_session_and_oauth2_authentication_are_documented(schema):
    schemes = schema["components"]["securitySchemes"]
    assert set(schemes) == {"tokenAuth", "cookieAuth", "oauth2"}
    flow = schemes["oauth2"]["flows"]["clientCredentials"]
    assert flow["tokenUrl"] == "/api/v1/oauth/token/"
    assert set(flow["scopes"]) == {
        "read",
        "write:logs",
        "write:sessions",
        "write:metrics",
        "write:batteries",
        "invitations",
        "write:screens",
    }


def test_each_operation_states_the_oauth2_scope_it_needs(schema):
    def oauth2(path, method):
        found = [s["oauth2"] for s in schema["paths"][path][method]["security"] if "oauth2" in s]
        return found[0] if found else None

    assert oauth2("/api/v1/daily-logs/bulk/", "post") == ["write:logs"]
    assert oauth2("/api/v1/sessions/files/", "post") == ["write:sessions"]
    assert oauth2("/api/v1/device-metrics/bulk/", "post") == ["write:metrics"]
    assert oauth2("/api/v1/invitations/", "get") == ["invitations"]
    assert oauth2("/api/v1/batteries/", "post") == ["write:batteries"]
    assert oauth2("/api/v1/cases/", "get") == ["read"]
    assert oauth2("/api/v1/plans/{id}/transitions/", "post") is None  # no access token may


def test_schema_and_docs_are_served_with_local_assets():
    client = Client()
    assert client.get("/api/schema/").status_code == 200
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "https://" not in html.replace("https://swagger.io", "")
    # Swagger UI's start-up script comes from the server, not inline (content security policy)
    script = client.get("/api/docs/?script=").content.decode()
    assert '"validatorUrl": null' in script


def test_bodies_are_json_where_only_json_works_and_bulk_states_its_limit(schema):
    for path, method, operation in operations(schema):
        body = operation.get("requestBody")
        if body is None or path == "/api/v1/auth/token/":  # DRF's token form takes all three
            continue
        if path == "/api/v1/sessions/files/":  # a watch's file: multipart, and nothing else
            assert list(body["content"]) == ["multipart/form-data"], (method, path)
            continue
        assert list(body["content"]) == ["application/json"], (method, path)
    for name in ("DailyLogBulk", "ActivitySessionBulk", "DeviceMetricBulk"):
        items = schema["components"]["schemas"][name]["properties"]["items"]
        assert (items["minItems"], items["maxItems"]) == (1, 1000), name


def test_every_list_documents_updated_after(schema):
    for path, method, operation in operations(schema):
        if method == "get" and "{" not in path and "results" in json.dumps(operation["responses"]):
            names = {p["name"] for p in operation.get("parameters", [])}
            assert "updated_after" in names, path
