"""/api/openapi.json describes every JSON endpoint: each route under /api/ with each of its
methods, its request body, its answers (the errors with the one shared Error schema)."""

import re

import pytest

from web.openapi import ERROR_REF


def _document(client) -> dict:
    r = client.get("/api/openapi.json")
    assert r.status_code == 200 and r.is_json
    return r.json


def _described(rule: str) -> list[str]:
    """The OpenAPI paths of a Flask rule (``<any(a, b):x>`` is one path per choice)."""
    choices = re.search(r"<any\(([^)]*)\):\w+>", rule)
    rules = ([re.sub(r"<any\([^)]*\):\w+>", c.strip(), rule) for c in choices.group(1).split(",")]
             if choices else [rule])  # fmt: skip
    return [re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", r) for r in rules]


def test_every_api_route_and_method_is_described(app, client):
    paths = _document(client)["paths"]
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        for path in _described(rule.rule):
            assert path in paths, f"{path} is not in /api/openapi.json"
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert method.lower() in paths[path], f"{method} {path} is not described"
    routes = {p for r in app.url_map.iter_rules() for p in _described(r.rule)}
    assert set(paths) <= routes, "described paths that no route serves"


def _operations(doc):
    for path, item in doc["paths"].items():
        for method, op in item.items():
            yield f"{method.upper()} {path}", op


def test_every_operation_describes_its_answers_and_errors(client):
    doc = _document(client)
    assert "Error" in doc["components"]["schemas"]
    for name, op in _operations(doc):
        answers = op["responses"]
        assert "200" in answers and "application/json" in answers["200"]["content"], name
        assert "400" in answers, f"{name}: control characters in any input are a 400"
        if op.get("security") != []:
            assert "401" in answers, f"{name}: the guard's answer when logged out"
        if "{" in name:
            assert "404" in answers, f"{name}: an id of nothing (or out of range) is a 404"
        if "requestBody" in op:
            assert "413" in answers, f"{name}: a body beyond the limit is a 413"
        for status, answer in answers.items():
            if status.startswith("4"):
                schema = answer["content"]["application/json"]["schema"]
                refs = [schema, *schema.get("allOf", [])]
                assert ERROR_REF in refs or schema.get("$ref", "").endswith("Refused"), name


@pytest.mark.parametrize("path", ["/api/signin/worker-scan",
                                  "/api/signin/projects/{project_id}/point",
                                  "/api/tasks/{human_task_id}/complete"])
def test_json_bodies_have_request_schemas(client, path):
    doc = _document(client)
    body = doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body.get("$ref") or body.get("type") == "object"


def test_the_document_is_valid_openapi(app):
    import schemathesis  # the fuzz tests' loader refuses an invalid document

    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    operations = [r.ok() for r in schema.get_all_operations()]
    assert len(operations) >= 20
