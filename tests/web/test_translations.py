"""Every state, status and parser message in words, Chinese by default and English when asked:
process instances, task states, inbox rows, jobs; the deploy checks' reasons with the parser's
detail; every error page; the favicon (no 404)."""

import re
from pathlib import Path

import pytest

import engine
from services.processes import deploy_diagram
from tests.login_helpers import log_in_directly
from tests.web.test_english import data_values, ui_text
from web.labels import ENGINE_LABELS, deploy_problem
from web.runtime import uow

DIAGRAM = Path(__file__).parent / "diagrams" / "site_review.bpmn"
RAW_CODE = re.compile(r"<td>\s*(" + "|".join(ENGINE_LABELS) + r")\s*</td>")


@pytest.fixture
def instance(session):
    deploy_diagram(uow(), DIAGRAM.read_text(), by="test")
    iid = engine.start_instance(session, "site_review", data={"project_id": 1, "area": "3号楼"},
                                business_key="SR-9")  # fmt: skip
    session.commit()
    return iid


def _as(app, who, lang=None):
    client = app.test_client()
    if lang:
        client.get(f"/lang/{lang}")
    log_in_directly(client, app, who)
    return client


def test_admin_pages_show_states_in_chinese_words(app, instance):
    client = _as(app, "admin")
    for url in ("/admin/processes", f"/admin/instances/{instance}", "/admin/incidents",
                "/admin/processes?status=running"):  # fmt: skip
        page = client.get(url).text
        assert not RAW_CODE.findall(page), f"{url}: raw codes {RAW_CODE.findall(page)}"
    assert "运行中" in client.get("/admin/processes").text
    page = client.get(f"/admin/instances/{instance}").text
    assert "待处理" in page or "等待中" in page


def test_admin_pages_in_english(app, instance):
    data = data_values(app) + ["3号楼"]
    client = _as(app, "admin", "en")
    for url in ("/admin/processes", f"/admin/instances/{instance}", "/admin/incidents",
                "/admin/certificates", "/admin/processes?status=completed&page=x"):  # fmt: skip
        r = client.get(url)
        assert r.status_code == 200, url
        assert not ui_text(r.text, data), f"{url}: {ui_text(r.text, data)}"
    assert "running" in client.get("/admin/processes").text


def test_a_deploy_refusal_is_in_chinese_with_the_parsers_detail(app):
    client = _as(app, "admin")
    r = client.post("/admin/processes/deploy", data={"xml": "<bpmn:definitions"})
    assert r.status_code == 400 and "XML 格式错误，无法解析：" in r.text
    assert "does not parse" not in r.text
    english = _as(app, "admin", "en").post("/admin/processes/deploy", data={"xml": "<x"})
    assert "XML does not parse" in english.text and not ui_text(english.text, data_values(app))


def test_each_deploy_check_has_chinese_words():
    reasons = ["user task is in no lane", "lane 'Foreman' is not a known role",
               "no connector registered for 'bank/X'", "script policy: name 'os' is not allowed",
               "invalid BPMN: Missing id", "cannot tell the main process among ['a', 'b']; name one",
               "timer 'PT10S' must be a quoted string: 'PT10S'",
               "timer duration 'PT10 s' is not ISO 8601: bad value"]  # fmt: skip
    for reason in reasons:
        zh = deploy_problem(reason, "zh")
        assert re.search(r"[\u4e00-\u9fff]", zh) and deploy_problem(reason, "en") == reason
    assert "'Foreman'" in deploy_problem(reasons[1])  # the detail kept as given


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_error_page_speaks_the_language(app, lang):
    gc = _as(app, "gc_pm", lang)
    answers = {
        404: gc.get("/no-such-page"),
        403: gc.get("/admin/processes"),
        400: gc.post("/projects/1/acceptance/39/reject", data={"reason": ""}),
        405: gc.delete("/projects/1"),
        413: gc.post("/projects/1/acceptance/39/reject", data={"reason": "x" * 2_000_000}),
    }
    for status, r in answers.items():
        assert r.status_code == status, (status, r.status_code)
        if r.mimetype != "text/html":
            continue
        words = ui_text(r.text, data_values(app))
        assert (not words) if lang == "en" else words, f"{status}: {words[:5]}"


def test_favicon_is_served(app):
    client = app.test_client()
    r = client.get("/favicon.ico")
    assert r.status_code == 301 and r.location.endswith("/static/favicon.svg")
    assert client.get("/static/favicon.svg").data.startswith(b"<svg")
    assert 'rel="icon"' in client.get("/login").text
