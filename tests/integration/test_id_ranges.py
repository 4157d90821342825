"""Ids out of range in a path or a query answer 404 or 400 naming the field, never a 500
(PostgreSQL raises on a parameter beyond an INTEGER column; SQLite does not): every route
family that takes ids, on PostgreSQL here and on SQLite in tests/web/test_api_id_ranges.py."""

import pytest

from tests.login_helpers import log_in_directly
from web.forms import LABELS

pytestmark = pytest.mark.postgres

# Beyond INTEGER, beyond BIGINT, far beyond, negative (ids are ≥ 0), digits Python won't read.
OUT_OF_RANGE = ["2147483648", "9223372036854775808", "1" + "0" * 30, "-1", "9" * 5000]
# family: (user, method, URL with {} for the id)
PATHS = {
    "batches": [("gc_pm", "GET", "/projects/1/payroll/batches/{}"),
                ("gc_pm", "GET", "/projects/1/payroll/batches/{}/progress"),
                ("gc_pm", "POST", "/projects/1/payroll/batches/{}/ask-bank"),
                ("gc_pm", "GET", "/projects/{}/payroll/batches/1")],
    "tasks": [("gc_pm", "GET", "/tasks/{}"), ("gc_pm", "GET", "/api/tasks/{}"),
              ("gc_pm", "POST", "/api/tasks/{}/complete"), ("gc_pm", "GET", "/payroll/tasks/{}"),
              ("admin", "GET", "/api/instances/{}"), ("admin", "POST", "/api/instances/{}/resume")],
    "compilations": [("gc_pm", "GET", "/projects/1/payroll/compilations/{}"),
                     ("gc_pm", "GET", "/projects/1/payroll/compilations/{}/export.xlsx"),
                     ("gc_pm", "POST", "/projects/1/payroll/compilations/{}/submit")],
    "acceptance": [("gc_op", "GET", "/projects/{}/acceptance"),
                   ("gc_op", "POST", "/projects/1/acceptance/{}/reject")],
    "attendance": [("gc_pm", "GET", "/projects/{}/signin/attendance"),
                   ("gc_pm", "GET", "/api/signin/projects/{}/attendance"),
                   ("w004", "POST", "/api/signin/projects/{}/officer-scan")],
    "assignments": [("gc_op", "GET", "/api/projects/{}/assignments"),
                    ("gc_op", "GET", "/projects/1/assignments/{}/account"),
                    ("gc_op", "POST", "/projects/1/assignments/{}/activation-code")],
}  # fmt: skip
# family: (user, URL of a page or API that reads the query id, its field); the batch and
# wage-table pages read no id from the query (a table's ?team_id= goes through the same int_arg).
QUERIES = {
    "tasks": [("gc_pm", "/inbox?project_id={}", "project_id")],
    "acceptance": [("gc_op", "/projects/1/acceptance?unit_id={}", "unit_id"),
                   ("gc_op", "/projects/1/acceptance?team_id={}", "team_id")],
    "attendance": [("gc_pm", "/api/signin/projects/1/attendance?unit_id={}", "unit_id"),
                   ("gc_pm", "/api/signin/projects/1/attendance?team_id={}", "team_id"),
                   ("gc_pm", "/projects/1/signin/attendance?unit_id={}", "unit_id")],
    "assignments": [("gc_op", "/api/projects/1/assignments?unit_id={}", "unit_id"),
                    ("gc_op", "/projects/1/roster?unit_id={}", "unit_id")],
}  # fmt: skip


def path_ids_are_no_page(app, family: str) -> None:
    for user, method, url in PATHS[family]:
        client = app.test_client()
        log_in_directly(client, app, user)
        for value in OUT_OF_RANGE:
            r = client.open(url.format(value), method=method, json={} if "/api/" in url else None)
            assert r.status_code == 404, f"{method} {url.format(value[:30])}: {r.status_code}"
            if url.startswith("/api/"):
                assert r.is_json and r.json["error"] == "not_found"


def query_ids_name_the_field(app, family: str) -> None:
    for user, url, field in QUERIES[family]:
        client = app.test_client()
        log_in_directly(client, app, user)
        for value in OUT_OF_RANGE:
            r = client.get(url.format(value))
            assert r.status_code == 400, f"{url.format(value[:30])}: {r.status_code}"
            if url.startswith("/api/"):
                assert r.json["field"] == field and r.json["reason"] in (
                    "out_of_range", "not_a_number")
            else:  # the error page names the field
                label = LABELS[field].zh if field in LABELS else field
                assert f"【{label}】" in r.text, r.text[-600:]


@pytest.mark.parametrize("family", sorted(PATHS))
def test_path_ids_out_of_range_are_404_on_postgres(app, family):
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")
    path_ids_are_no_page(app, family)


@pytest.mark.parametrize("family", sorted(QUERIES))
def test_query_ids_out_of_range_are_400_naming_the_field_on_postgres(app, family):
    query_ids_name_the_field(app, family)
