"""The API's fixed points: OpenAPI completeness, operationIds, JSON errors, /healthz."""

from __future__ import annotations

import io

from server.api import undocumented_rules

#: operationIds outside clients rely on (../shared/DESIGN.md), for the features built so far.
FIXED_OPERATION_IDS = {
    "login",
    "logout",
    "getCurrentUser",
    "listMeetings",
    "createMeeting",
    "getMeeting",
    "getMeetingState",
    "createAgendaItem",
    "setCurrentAgendaItem",
    "checkIn",
    "requestToSpeak",
    "listSpeakers",
    "createAnnotation",
    "listAnnotations",
    "updateAnnotation",
    "deleteAnnotation",
    "exportAnnotatedPdf",
    "createComment",
    "listComments",
}


def test_every_api_route_is_in_the_openapi_document(app):
    assert undocumented_rules(app) == []


def test_openapi_document(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    doc = response.json
    assert doc["openapi"].startswith("3.1")
    ids = [op["operationId"] for path in doc["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids)), "operationIds are unique"
    assert set(ids) >= FIXED_OPERATION_IDS
    login = doc["paths"]["/api/auth/login"]["post"]
    assert login["operationId"] == "login"
    assert "application/json" in login["requestBody"]["content"]
    meeting = doc["paths"]["/api/meetings/{meeting_id}"]["get"]
    assert meeting["parameters"][0] == {
        "name": "meeting_id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 0, "maximum": 2147483647},
    }


def test_openapi_is_valid(client):
    from openapi_spec_validator import validate

    validate(client.get("/api/openapi.json").json)


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


def test_wrong_method_is_json_405(client):
    response = client.delete("/api/auth/login")
    assert response.status_code == 405
    assert response.json["error"]["code"] == "method_not_allowed"
    assert "POST" in response.headers["Allow"]


def test_bad_json_is_400(client):
    response = client.post("/api/auth/login", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid_json"


def test_too_large_is_json_413(app, client):
    app.config["MAX_BODY_BYTES"] = 1024
    response = client.post(
        "/api/auth/login", data=io.BytesIO(b"x" * 4096), content_type="application/json"
    )
    assert response.status_code == 413
    assert response.json["error"]["code"] == "body_too_large"


def test_missing_record_is_404(login):
    response = login("secretary").get("/api/meetings/999999")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "meeting_not_found"


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "ok"
    assert response.json["database"] == "ok"
    assert response.json["redis"] == "not_configured"


def test_security_headers_on_pages_and_api(client):
    for path in ("/", "/secretariat", "/chair", "/display", "/api/openapi.json", "/healthz"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"


def test_api_answers_are_not_cached(client):
    assert client.get("/api/openapi.json").headers["Cache-Control"] == "no-store"
