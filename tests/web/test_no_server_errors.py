"""No wrong value typed into any form, or put into any query, gives a server error.

Every POST route of the app is listed in ``FORMS`` (a new one without an entry fails the test)
with a role that may use it, a valid form and the page the form is on. Each field in turn gets
each of ``BAD``; the answer must be below 500, and an HTML refusal must show its message
(filled in: no ``{placeholder}`` left) on the page the form came from, with the value typed
still in its input. Every GET route of the access matrix gets the same values in each query
parameter it reads (found by recording what the view reads) and in a few common ones.
"""

import re
from datetime import date, timedelta
from urllib.parse import urlsplit

import lxml.html
import pytest
from sqlalchemy import select
from werkzeug.datastructures import ImmutableMultiDict

from tests.login_helpers import log_in_directly
from tests.web.payroll_helpers import confirm_lines
from tests.web.route_matrix import ROUTES
from tests.web.test_bad_input import CONTRACT, contract_upload
from tests.web.test_payroll_excel_rates import MONTH

BAD = ["abc", "-100", "100.005", "1e309", "", "长" * 3000, "1\x00", "９９", "-1", "0",
       "99999999999999999999", "2026-13-45", "9999-12-31", "0001-01", "<b>{field}</b>"]  # fmt: skip
USERNAMES = {"worker": "w001", "officer": "w004"}
CONTROL = dict.fromkeys([*range(9), 11, 12, *range(14, 32), 127])
LONG_AGO = (date.today() - timedelta(days=200)).isoformat()  # no sign-in that day
TODAY = date.today().isoformat()
CONTRACT_FIELDS = {k: v for k, v in CONTRACT.items() if k != "contract_file"}
PLACEHOLDER = re.compile(r"\{[a-z_]+(?:![rs])?\}")

# endpoint: (user, URL, referrer page, valid form, JSON body?). {comp}, {batch}, {line},
# {task} are filled in from the prepared data (a batch with the GC's own table compiled).
FORMS = {
    "auth.login": (None, "/login", "/login", {"account": "gc_pm", "password": "wrong"}, False),
    "auth.logout": ("gc_pm", "/logout", "/", {}, False),
    "auth.change_password": ("gc_op", "/password", "/password", {
        "current": "zhuxin2026", "password": "x", "password_again": "y"}, False),
    "auth.lockout_lift": ("gc_pm", "/lockouts/999/lift", "/lockouts", {}, False),
    "auth.activate": (None, "/activate", "/activate", {"phone": "13900000039", "code": "12345678",
                      "password": "anquan2026", "password_again": "anquan2026"}, False),
    "project.worker_code_new": ("gc_op", "/projects/1/assignments/20/activation-code",
                                "/projects/1/assignments/20/account", {}, False),
    "project.worker_photo_set": ("gc_op", "/projects/1/assignments/20/photo",
                                 "/projects/1/assignments/20/account", {}, False),
    "project.acceptance_accept": ("gc_op", "/projects/1/acceptance/accept",
                                  "/projects/1/acceptance", {"ids": "58", "entered_on": TODAY},
                                  False),
    "project.acceptance": ("gc_op", "/projects/1/acceptance", "/projects/1/acceptance", {
        "name": "", "id_number": "310104199003070018", "trade": "", "state": "all",
        "unit_id": "", "team_id": ""}, False),  # the search posts: no ID number in a URL
    "project.api_assignments": ("gc_op", "/api/projects/1/assignments", None, {
        "id_number": "310104199003070018", "state": "all", "unit_id": ""}, True),
    "project.acceptance_reject": ("gc_op", "/projects/1/acceptance/39/reject",
                                  "/projects/1/acceptance", {"reason": "资料不全"}, False),
    "project.worker_new": ("gc_op", "/projects/1/workers/new", "/projects/1/workers/new", {
        "name": "测试工人", "id_number": "310104199003070018", "phone": "13912345678",
        "trade": "木工", "bank_card": "6222020000000100110", "bank_name": "中国工商银行",
        "bank_cnaps": "102290024433", "unit_id": "2", "id_valid_until": "2035-06-30",
        **CONTRACT_FIELDS}, False),
    "project.roster_dispatch": ("suba_op", "/projects/1/roster/dispatch", "/projects/1/roster",
                                {"ids": "17", "team_id": "4"}, False),
    "project.roster_entry": ("gc_op", "/projects/1/roster/entry", "/projects/1/roster",
                             {"ids": "41", "day": TODAY}, False),
    "project.roster_exit": ("gc_op", "/projects/1/roster/exit", "/projects/1/roster",
                            {"ids": "41", "day": TODAY}, False),
    "project.teams_page": ("suba_op", "/projects/1/teams", "/projects/1/teams",
                           {"unit_id": "2", "name": "新班组", "leader_person_id": "17"}, False),
    "project.team_update": ("suba_op", "/projects/1/teams/3", "/projects/1/teams",
                            {"name": "钢筋一班", "leader_person_id": "15"}, False),
    "project.worker_contract": ("suba_op", "/projects/1/workers/39/contract",
                                "/projects/1/workers/39/contract", CONTRACT_FIELDS, False),
    "project.authorisation_add": ("gc_pm", "/projects/1/authorisations",
                                  "/projects/1/authorisations?name=x",
                                  {"person_id": "2", "post": "signin_officer"}, False),
    "project.authorisation_revoke": ("gc_pm", "/projects/1/authorisations/1/revoke",
                                     "/projects/1/authorisations", {}, False),
    "project.notice_board_edit": ("gc_pm", "/projects/1/notice-board", "/projects/1/notice-board", {
        "client_name": "上海徐汇滨江开发建设有限公司", "wage_officer_name": "王劳资",
        "wage_officer_phone": "13912345678", "office_phone": "021-64381234",
        "inspection_phone": "12333", "extra_text": "按月足额支付"}, False),
    "inbox.task": ("gc_pm", "/tasks/{task}", "/tasks/{task}",
                   {"decision": "reject", "comment": "不同意"}, False),
    "inbox.api_task_complete": ("gc_pm", "/api/tasks/{task}/complete", None,
                                {"decision": "reject", "comment": "不同意"}, True),
    "inbox.process_deploy": ("admin", "/admin/processes/deploy", "/admin/processes",
                             {"xml": "<bpmn/>"}, False),
    "inbox.incident_retry": ("admin", "/admin/incidents/999/retry", "/admin/incidents", {}, False),
    "inbox.message_read": ("gc_pm", "/messages/999999/read", "/messages", {"next": "/"}, False),
    "inbox.messages_read_all": ("gc_pm", "/messages/read-all", "/messages", {}, False),
    "inbox.instance_control": ("admin", "/admin/instances/{instance}/terminate",
                               "/admin/instances/{instance}", {"reason": "重复发起"}, False),
    "inbox.api_instance_control": ("admin", "/api/instances/999/terminate", None,
                                   {"reason": "x"}, True),
    "inbox.instance_migrate": ("admin", "/admin/instances/{instance}/migrate",
                               "/admin/instances/{instance}", {"to_version": "2", "dry_run": "1"},
                               False),
    "inbox.api_instance_migrate": ("admin", "/api/instances/999/migrate", None,
                                   {"to_version": "2", "dry_run": "1"}, True),
    "inbox.api_definitions_validate": ("admin", "/api/definitions/validate", None,
                                       {"xml": "<bpmn/>"}, True),
    "inbox.api_definitions_deploy": ("admin", "/api/definitions", None, {"xml": "<bpmn/>"}, True),
    "inbox.certificate_register": ("admin", "/admin/certificates", "/admin/certificates", {
        "credit_code": "91310000MA1FL8X35P", "sha256": "ab" * 32, "label": "测试证书"}, False),
    "inbox.certificate_revoke": ("admin", "/admin/certificates/999/revoke", "/admin/certificates",
                                 {}, False),
    "signin.point_edit": ("gc_pm", "/projects/1/signin/point", "/projects/1/signin/point", {
        "point": "121.46558,31.189384", "system": "gcj02", "radius": "300",
        "start": "04:00", "end": "12:00"}, False),
    "signin.makeup_request": ("worker", "/signin/makeup", "/signin/makeup",
                              {"project_id": "1", "day": LONG_AGO, "reason": "手机没电"}, False),
    "signin.api_worker_scan": ("worker", "/api/signin/worker-scan", None,
                               {"code": "x", "lat": "31.19", "lng": "121.46", "accuracy": "5",
                                "location_error": ""}, True),
    "signin.api_officer_scan": ("officer", "/api/signin/projects/1/officer-scan", None,
                                {"code": "x", "lat": "31.19", "lng": "121.46", "accuracy": "5"},
                                True),
    "signin.api_point_set": ("gc_pm", "/api/signin/projects/1/point", None, {
        "lng": "121.46558", "lat": "31.189384", "system": "gcj02", "radius": "300",
        "start": "04:00", "end": "12:00"}, True),
    "payroll.settlement": ("gc_pm", "/projects/1/payroll/settlement",
                           "/projects/1/payroll/settlement",
                           {"day": "25", "pay_factor": "1.5",
                            "line_ceiling": "100000"}, False),
    "payroll.bank_interface": ("gc_pm", "/projects/1/payroll/bank-interface",
                               "/projects/1/payroll/bank-interface", {"bank_adapter": "icbc"}, False),
    "payroll.bank_result_upload": ("gc_op", "/projects/1/payroll/batches/999/bank-files/result",
                                   "/projects/1/payroll/compile", {}, False),
    "payroll.funding": ("gc_op", "/projects/1/payroll/funding", "/projects/1/payroll/funding",
                        {"action": "upload"}, False),
    "project.platform_resend": ("gc_op", "/projects/1/platform/999/resend", "/projects/1/platform",
                                {}, False),
    "payroll.trade_rates": ("gc_pm", "/projects/1/payroll/trade-rates",
                            "/projects/1/payroll/trade-rates",
                            {"rate-木工": "400", "new_trade": "幕墙工", "new_rate": "520"}, False),
    "payroll.batch_create": ("gc_pm", "/projects/1/payroll/batches", "/projects/1/payroll/compile",
                             {"month": MONTH, "kind": "regular"}, False),
    "payroll.compilation_new": ("gc_op", "/projects/1/payroll/compilations/new",
                                "/projects/1/payroll/compile", {"compilation_id": "{comp}"}, False),
    "payroll.compilation": ("gc_op", "/projects/1/payroll/compilations/{comp}",
                            "/projects/1/payroll/compilations/{comp}", "{cells}", False),
    "payroll.compilation_submit": ("gc_op", "/projects/1/payroll/compilations/{comp}/submit",
                                   "/projects/1/payroll/compilations/{comp}", "{cells}", False),
    "payroll.compilation_import": ("gc_op", "/projects/1/payroll/compilations/{comp}/import",
                                   "/projects/1/payroll/compilations/{comp}", {"file": "x"}, False),
    "payroll.compilation_review": ("suba_pm", "/projects/1/payroll/compilations/{comp2}/review",
                                   "/projects/1/payroll/compilations/{comp2}",
                                   {"decision": "reject", "reason": ""}, False),
    "payroll.compilation_fill_rates": ("gc_op", "/projects/1/payroll/compilations/{comp}/fill-rates",
                                       "/projects/1/payroll/compilations/{comp}",
                                       {"source": "trade_rates"}, False),
    "payroll.batch_approve_units": ("suba_pm", "/projects/1/payroll/batches/{batch}/approve-units",
                                    "/projects/1/payroll/batches/{batch}",
                                    {"compilation_id": "{comp2}"}, False),
    "signin.makeup_task": ("gc_pm", "/signin/makeup/tasks/{task}", "/signin/makeup/tasks/{task}",
                           {"decision": "reject", "comment": "不同意"}, False),
    "payroll.summary_generate": ("gc_pm", "/projects/1/payroll/batches/{batch}/summary",
                                 "/projects/1/payroll/batches/{batch}", {}, False),
    "payroll.pm_sign": ("gc_pm", "/projects/1/payroll/batches/{batch}/sign",
                        "/projects/1/payroll/batches/{batch}/sign",
                        {"action": "sign", "password": "qianshu2026"}, False),
    "payroll.correct": ("gc_op", "/projects/1/payroll/batches/{batch}/correct",
                        "/projects/1/payroll/batches/{batch}/correct",
                        {"line_id": "{line}", "bank_card": "6222020200112233445",
                         "bank_name": "工商银行", "bank_cnaps": "102290000018"}, False),
    "payroll.reminder_task": ("gc_pm", "/payroll/reminders/999", "/inbox", {}, False),
    "payroll.my_wage_confirm": ("worker", "/my/wages/{line}", "/my/wages",
                                {"decision": "dispute", "comment": "少算两天"}, False),
    "payroll.line_resolve": ("gc_op", "/projects/1/payroll/lines/{line}/resolve",
                             "/projects/1/payroll/compilations/{comp}",
                             {"resolution": "已核实，按实际出勤发放"}, False),
    "payroll.line_paper_upload": ("gc_op", "/projects/1/payroll/lines/{line}/paper",
                                  "/projects/1/payroll/compilations/{comp}", {"paper": "x"}, False),
    "payroll.line_confirmation_setting": ("gc_pm", "/projects/1/payroll/line-confirmation",
                                          "/projects/1/payroll/settlement",
                                          {"line_confirmation_required": "1"}, False),
    "payroll.ask_bank": ("gc_pm", "/projects/1/payroll/batches/{batch}/ask-bank",
                         "/projects/1/payroll/batches/{batch}", {}, False),
    "payroll.retry_step": ("gc_pm", "/projects/1/payroll/batches/{batch}/incidents/999/retry",
                           "/projects/1/payroll/batches/{batch}", {}, False),
    "payroll.my_card": ("worker", "/my/card", "/my/card",
                        {"bank_card": "6222020200112233445", "bank_name": "工商银行",
                         "bank_cnaps": "102290000018"}, False),
    "payroll.my_card_decide": ("worker", "/my/card/changes/999", "/my/card",
                               {"decision": "confirm"}, False),
    "enterprise.sign": ("gc_ent", "/enterprise/batches/{batch}/sign",
                        "/enterprise/batches/{batch}/sign", {"password": "x"}, False),
}  # fmt: skip
# Files the forms upload (a fresh one for every post): the labour contract (聘用登记).
FILES = {"project.worker_new": {"contract_file": contract_upload},
         "project.worker_contract": {"contract_file": contract_upload}}  # fmt: skip
NO_FIELDS_SENT = {"auth.logout"}  # logging out with bad values logs out all the same
NEEDS_WORLD = {"payroll.batch_create", "payroll.settlement"}  # the settlement day set first


def test_every_post_route_has_an_entry(app):
    posts = {r.endpoint for r in app.url_map.iter_rules() if "POST" in (r.methods or ())}
    assert not posts - set(FORMS), (
        f"POST routes without a FORMS entry: {sorted(posts - set(FORMS))}"
    )
    assert not set(FORMS) - posts


def login(client, who: str | None) -> None:
    log_in_directly(client, client.application, USERNAMES.get(who, who) if who else None)


@pytest.fixture
def world(app, client, auth, open_all_day):
    """A batch of the current month: the GC's own table compiled, subcontractor A's submitted;
    a make-up request of the demo worker in the GC manager's inbox."""
    from domain.model import User
    from domain.payroll.model import Compilation, WageBatch, WageLineRow
    from engine.models import ProcessInstance
    from web.extensions import db

    def ok(r):
        assert r.status_code == 302, r.text[:300]

    login(client, "gc_pm")
    ok(client.post("/projects/1/payroll/settlement", data={"day": "25"}))
    ok(client.post("/projects/1/payroll/batches", data={"month": MONTH}))
    with app.app_context():
        batch = db.session.scalar(select(WageBatch.id))
        comps = dict(db.session.execute(
            select(Compilation.unit_id, Compilation.id).where(Compilation.batch_id == batch)
        ).all())  # fmt: skip
    login(client, "gc_op")
    ok(client.post("/projects/1/payroll/compilations/new", data={"compilation_id": comps[1]}))
    login(client, "suba_op")
    ok(client.post("/projects/1/payroll/compilations/new", data={"compilation_id": comps[2]}))
    confirm_lines(app, comps[2])
    ok(client.post(f"/projects/1/payroll/compilations/{comps[2]}/submit"))
    login(client, "worker")
    ok(client.post("/signin/makeup", data={"project_id": "1", "day": LONG_AGO,
                                           "reason": "手机没电"}))  # fmt: skip
    login(client, "gc_pm")
    tasks = re.findall(r'href="(?:/signin/makeup)?/tasks/(\d+)"', client.get("/inbox").text)
    with app.app_context():
        person = db.session.scalar(select(User.person_id).where(User.username == "w001"))
        mine = db.session.scalar(select(WageLineRow.id).where(WageLineRow.person_id == person))
        lines = db.session.scalars(
            select(WageLineRow).where(WageLineRow.compilation_id == comps[1])
        ).all()
        cells = {f"l-{r.id}-{f}": "" if getattr(r, f) is None else str(getattr(r, f))
                 for r in lines[:3] for f in ("day_rate", "gross", "deductions", "deduction_reason",
                                              "net", "bank_card")}  # fmt: skip
        instance = db.session.scalar(select(ProcessInstance.id).where(
            ProcessInstance.process_id == "wage_payment"))  # fmt: skip
        db.session.remove()
    return {"comp": comps[1], "comp2": comps[2], "batch": batch, "line": mine or 999,
            "task": tasks[0] if tasks else 999, "cells": cells, "instance": instance}  # fmt: skip


def prepared(request, text: str, needed: bool = False) -> dict:
    """The prepared data, only for the routes that use it (preparing takes a while)."""
    return request.getfixturevalue("world") if needed or "{" in text or "999" in text else {}


def fill(text: str, world: dict) -> str:
    return text.format(**{k: v for k, v in world.items() if k != "cells"})


def shown_message(page: str) -> str | None:
    doc = lxml.html.fromstring(page)
    found = doc.xpath("//p[contains(@class, 'flash-error')]") or doc.xpath("//main//article/p[1]")
    return " ".join(p.text_content() for p in found) if found else None


def kept_values(page: str, url: str, name: str, value: str) -> list[str] | None:
    """What the forms posting to ``url`` show in their inputs named ``name`` (None when the
    page has no such input to check, e.g. the row's form is gone after an earlier post)."""
    doc = lxml.html.fromstring(page)
    path = urlsplit(url).path
    shown = []
    for form in doc.forms:
        targets = [form.get("action") or path, *form.xpath(".//*/@formaction")]
        if path not in [urlsplit(t).path for t in targets]:
            continue
        fields = form.xpath(".//*[@name=$n]", n=name)
        if form.get("id"):
            fields += doc.xpath("//*[@form=$f and @name=$n]", f=form.get("id"), n=name)
        for e in fields:
            kind = (e.get("type") or "text").lower()
            if e.tag not in ("input", "textarea", "select") or (
                e.tag == "input" and kind in ("hidden", "checkbox", "radio", "password", "file")
            ):
                continue
            if e.tag == "select":
                if value not in [o.get("value", o.text_content()) for o in e.iter("option")]:
                    continue  # a choice the select does not offer cannot be shown
                shown.append(e.value)
            else:
                shown.append(e.text_content() if e.tag == "textarea" else e.get("value", ""))
    return shown or None


def check_answer(r, what: str, field=None, value=None, post: str | None = None):
    assert r.status_code < 500, f"{what}: {r.status_code} {r.text[:300]}"
    if r.status_code < 400 or r.status_code in (401, 403) or r.mimetype != "text/html":
        return
    message = shown_message(r.text)
    assert message and message.strip() and message.strip() != "None", f"{what}: no message"
    assert not PLACEHOLDER.search(message.replace("<b>{field}</b>", "")), f"{what}: {message}"
    if post and r.status_code == 400:
        assert "flash-error" in r.text, f"{what}: the form's page is not shown again"
        if field is not None:
            shown = kept_values(r.text, post, field, value.translate(CONTROL))
            assert shown is None or value.translate(CONTROL) in shown, f"{what}: lost {shown}"


@pytest.mark.parametrize("endpoint", sorted(FORMS))
def test_bad_values_in_every_form(request, app, client, endpoint):
    who, url, page, form, as_json = FORMS[endpoint]
    text = " ".join([url, page or "", *(form.values() if isinstance(form, dict) else [form])])
    world = prepared(request, text, endpoint in NEEDS_WORLD)
    url, page = fill(url, world), page and fill(page, world)
    form = world["cells"] if form == "{cells}" else {k: fill(v, world) for k, v in form.items()}
    headers = {"Referer": "http://localhost" + page} if page else {}
    files = FILES.get(endpoint, {})
    for field in [*form, *files, "unexpected"] if endpoint not in NO_FIELDS_SENT else []:
        for value in BAD:
            login(client, who)
            data = {**form, **{name: make() for name, make in files.items()}, field: value}
            r = (client.post(url, json=data, headers=headers) if as_json
                 else client.post(url, data=data, headers=headers))  # fmt: skip
            check_answer(r, f"{endpoint} {field}={value[:20]!r}", field, value, post=url)


class Recording(ImmutableMultiDict):
    """Query arguments that remember which names a view asked for."""

    asked: set = set()

    def __getitem__(self, key):
        Recording.asked.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        Recording.asked.add(key)
        return super().__contains__(key)

    def get(self, key, default=None, type=None):
        Recording.asked.add(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):
        Recording.asked.add(key)
        return super().getlist(key, type)


GET_ROUTES = sorted(
    e for e, (method, *_rest) in ROUTES.items() if method == "GET" and e != "static"
)
COMMON = ("unit_id", "page", "day", "from", "to", "month", "q", "name", "lang")


@pytest.mark.parametrize("endpoint", GET_ROUTES)
def test_bad_query_parameters_on_every_page(request, app, client, endpoint):
    _method, url, allowed, _data = ROUTES[endpoint]
    world = prepared(request, url)
    if world:
        url = (url.replace("/compilations/999", f"/compilations/{world['comp']}")
               .replace("/batches/999", f"/batches/{world['batch']}")
               .replace("/tasks/999", f"/tasks/{world['task']}"))  # fmt: skip
    who = None if allowed == "public" else sorted(allowed)[0]
    app.request_class = type("RecordingRequest", (app.request_class,),
                             {"parameter_storage_class": Recording})  # fmt: skip
    Recording.asked = set()
    login(client, who)
    check_answer(client.get(url), endpoint)
    names = sorted(Recording.asked | set(COMMON))
    for value in BAD:
        login(client, who)
        check_answer(client.get(url, query_string=dict.fromkeys(names, value)), f"{endpoint} all")
        for name in sorted(Recording.asked - {"lang", "next"}):
            login(client, who)
            r = client.get(url, query_string={name: value})
            check_answer(r, f"{endpoint} ?{name}={value[:20]!r}")


def test_bad_uploads(app, client, auth):
    """Files that are not what the page asks for, and a compile table with every kind of bad
    cell: refused or reported per cell, never a server error; nothing half-imported."""
    import io

    from openpyxl import load_workbook

    from tests.web.test_payroll_excel_rates import compiled_gc_table, lines_of

    comp_id = compiled_gc_table(app, client, auth)
    url = f"/projects/1/payroll/compilations/{comp_id}"
    before = [
        (r.gross, r.bank_name, r.bank_card, r.deduction_reason) for r in lines_of(app, comp_id)
    ]
    book = load_workbook(io.BytesIO(client.get(url + "/export.xlsx").data))
    sheet = book.active
    header = next(row[0].row for row in sheet.iter_rows() if row[0].value == "行号")
    col = {c.value: c.column for c in sheet[header]}
    bad_cells = {"应发工资": -100, "日工资": 100.005, "扣款金额": "1e309", "实发工资": "-0.01",
                 "开户银行": "长" * 3000, "扣款原因": "x" * 201, "工资卡号": "6" * 40,
                 "联行号": "1234567890123"}  # fmt: skip
    assert len(before) >= len(bad_cells)
    for offset, (name, value) in enumerate(bad_cells.items()):  # one bad cell per row
        sheet.cell(header + 1 + offset, col[name]).value = value
    out = io.BytesIO()
    book.save(out)
    files = [out.getvalue(), b"", b"not excel", b"PK\x03\x04" + b"\x00" * 100]
    for data in files:
        r = client.post(url + "/import", data={"file": (io.BytesIO(data), "t.xlsx")},
                        content_type="multipart/form-data", headers={"Referer": url})  # fmt: skip
        check_answer(r, f"import {data[:10]!r}")
    after = [
        (r.gross, r.bank_name, r.bank_card, r.deduction_reason) for r in lines_of(app, comp_id)
    ]
    assert after == before  # every edited row has a bad cell: none is applied
    login(client, "admin")
    for data in [b"", b"<bpmn:definitions", "长".encode() * 3000, b"\x00\xff"]:
        r = client.post("/admin/processes/deploy", data={"file": (io.BytesIO(data), "p.bpmn")},
                        content_type="multipart/form-data")  # fmt: skip
        check_answer(r, f"deploy {data[:10]!r}")


@pytest.mark.parametrize("endpoint", sorted(e for e in ROUTES if "999" in ROUTES[e][1]))
def test_ids_in_urls_beyond_the_database_are_no_page(app, client, endpoint):
    method, url, allowed, data = ROUTES[endpoint]
    login(client, None if allowed == "public" else sorted(allowed)[0])
    r = client.open(url.replace("999", "9" * 20), method=method, data=data)
    assert r.status_code in (403, 404), f"{endpoint}: {r.status_code}"


def test_bad_values_in_a_diagrams_task_form(app, client, session):
    """The generic task page of a diagram's user task with a field of every type."""
    from pathlib import Path

    import engine
    from engine.models import HumanTask
    from services.processes import deploy_diagram
    from web.runtime import uow

    diagram = (Path(__file__).parent / "diagrams" / "site_review.bpmn").read_text()
    more = "".join(
        f'<spiffworkflow:property name="field.{name}" value="{kind}|{name}" />'
        for name, kind in (("amount", "decimal"), ("day", "date"), ("ok", "bool"),
                           ("grade", "choice:甲,乙"), ("note", "text"))
    )  # fmt: skip
    anchor = '<spiffworkflow:property name="field.people" value="int|在场人数|required" />'
    deploy_diagram(uow(), diagram.replace(anchor, anchor + more), by="test")
    valid = {"findings": "正常", "people": "3", "amount": "1.5", "day": "2026-03-01", "ok": "on",
             "grade": "甲", "note": "-"}  # fmt: skip
    for field in valid:
        for number, value in enumerate(BAD):
            key = f"SR-{field}-{number}"
            engine.start_instance(session, "site_review", data={"project_id": 1, "area": "A"},
                                  business_key=key)  # fmt: skip
            session.commit()
            task = session.query(HumanTask).filter_by(business_key=key, bpmn_id="report").one()
            login(client, "gc_op")
            url = f"/tasks/{task.id}"
            r = client.post(url, data={**valid, field: value}, headers={"Referer": url})
            check_answer(r, f"task {field}={value[:20]!r}", field, value, post=url)
