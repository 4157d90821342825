"""Every user task of every diagram in bpmn/, through every completion route, as every demo role:
the task's handler runs (its rules hold) or the completion is refused, and nothing is skipped.

Routes: the generic task page (/tasks/<id>), the JSON API (/api/tasks/<id>/complete) and the CLI
(flask engine complete).  The task's own page is the normal route, covered by the flow tests.
"""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import select

from domain.model import Person
from domain.payroll.batches import month_choices
from domain.payroll.model import Compilation, WageBatch, WageLineRow
from engine.models import HumanTask
from tests.login_helpers import log_in_directly
from tests.web.payroll_helpers import (
    FakeBank,
    bound_connectors,
    configure_payroll,
    confirm_lines,
    drain,
)
from tests.web.route_matrix import EVERYONE
from tests.web.signin_helpers import recent_day_without_sign_in

BPMN = Path(__file__).resolve().parents[2] / "bpmn"
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}
USERNAMES = {"worker": "w001", "officer": "w004"}
ROUTES = ("generic", "api", "cli")
# Covered by a flow test instead of a refusal here (a rule with no way to be broken on them).
ELSEWHERE = {
    "correct_rejected_lines": "tests/web/test_payroll_flow.py: rejected line → 更正 → 重新支付",
    "bank_overdue": "tests/integration/test_payroll_late_bank.py: silent bank → 再次询问银行",
    # Its one rule (every unit approved) is the process's order; the workers' confirmation it
    # checked before is now checked at 提交审核 on every route (tests/web/test_line_confirmation.py).
    "generate_summary_table": "tests/web/test_payroll_flow.py: the GC manager generates it",
}


def user_tasks() -> set[tuple[str, str]]:
    found = set()
    for path in BPMN.glob("*.bpmn"):
        root = etree.parse(str(path)).getroot()
        for process in root.iterfind("bpmn:process", NS):
            for task in process.iter(f"{{{NS['bpmn']}}}userTask"):
                found.add((process.get("id"), task.get("id")))
    return found


def test_every_user_task_has_a_handler_and_a_route_test(app):
    from web.runtime import wiring

    handlers = wiring(app).task_handlers
    missing = {t for t in user_tasks() if handlers.get(*t) is None}
    assert not missing, f"user tasks without a handler: {sorted(missing)}"
    untested = {b for _, b in user_tasks()} - set(SCENARIOS) - set(ELSEWHERE)
    assert not untested, f"user tasks without a route test: {sorted(untested)}"


# --- driving the flow through the pages --------------------------------------------------


def login(client, app, who: str):
    log_in_directly(client, app, USERNAMES.get(who, who))
    return client


def ok(response):
    assert response.status_code == 302, response.text[:400]


def one(app, model, **where):
    from web.extensions import db

    with app.app_context():
        row = db.session.scalar(select(model).filter_by(**where).order_by(model.id.desc()))
        db.session.expunge_all()
        return row


def open_task(app, bpmn_id: str) -> HumanTask | None:
    return one(app, HumanTask, bpmn_id=bpmn_id, status="open")


def new_batch(app, client) -> WageBatch:
    month = month_choices(type("P", (), {"settlement_day": 25})())[0][0]
    login(client, app, "gc_pm")
    ok(client.post("/projects/1/payroll/settlement", data={"day": "25"}))
    ok(client.post("/projects/1/payroll/batches", data={"month": month}))
    return one(app, WageBatch, project_id=1)


def compile_unit(app, client, batch, unit: int, who: str, submit=True) -> int:
    comp = one(app, Compilation, batch_id=batch.id, unit_id=unit)
    login(client, app, who)
    ok(client.post("/projects/1/payroll/compilations/new", data={"compilation_id": comp.id}))
    if submit:
        confirm_lines(app, comp.id)
        ok(client.post(f"/projects/1/payroll/compilations/{comp.id}/submit"))
    return comp.id


def all_approved(app, client) -> WageBatch:
    batch = new_batch(app, client)
    comps = {u: compile_unit(app, client, batch, u, w)
             for u, w in ((1, "gc_op"), (2, "suba_op"), (3, "subb_op"))}  # fmt: skip
    for who, unit in (("suba_pm", 2), ("subb_pm", 3), ("gc_pm", 1), ("gc_pm", 2), ("gc_pm", 3)):
        login(client, app, who)
        ok(client.post(f"/projects/1/payroll/compilations/{comps[unit]}/review",
                       data={"decision": "approve"}))  # fmt: skip
    return batch


# --- scenarios: an open task whose completion must be refused on every generic route --------


def bad_net_line(app, client):
    """The issue's bypass: a line's net set to 99,999.00 against its gross; 提交审核 refuses."""
    from web.extensions import db

    batch = new_batch(app, client)
    comp_id = compile_unit(app, client, batch, 2, "suba_op", submit=False)
    with app.app_context():
        line = db.session.scalar(select(WageLineRow).where(WageLineRow.compilation_id == comp_id))
        line.net = Decimal("99999.00")
        db.session.commit()
    login(client, app, "suba_op")
    client.post(f"/projects/1/payroll/compilations/{comp_id}/submit")
    assert one(app, Compilation, id=comp_id).state == "draft"  # the page refused it
    return "compile_wage_table", {"decision": "approve"}, lambda: (
        one(app, Compilation, id=comp_id).state == "draft"
    )


def bad_own_line(app, client):
    from web.extensions import db

    batch = new_batch(app, client)
    comp_id = compile_unit(app, client, batch, 1, "gc_op", submit=False)
    with app.app_context():
        for line in db.session.scalars(
            select(WageLineRow).where(WageLineRow.compilation_id == comp_id)
        ):  # a worker with no card on record cannot be paid (the line takes the record's)
            db.session.get(Person, line.person_id).bank_card = ""
        db.session.commit()
    return "compile_own_wage_table", {}, lambda: (
        one(app, Compilation, id=comp_id).state == "draft"
    )


def reject_without_reason(stage):
    def scenario(app, client):
        batch = new_batch(app, client)
        comp_id = compile_unit(app, client, batch, 2, "suba_op")
        if stage == "gc_review":
            login(client, app, "suba_pm")
            ok(client.post(f"/projects/1/payroll/compilations/{comp_id}/review",
                           data={"decision": "approve"}))  # fmt: skip
        before = one(app, Compilation, id=comp_id).state
        return stage, {"decision": "reject", "comment": ""}, lambda: (
            one(app, Compilation, id=comp_id).state == before
        )

    return scenario


def dispute_without_resolution(unit: int, who: str, bpmn_id: str):
    """处理工资异议 completed without an answer: a worker of the unit disputed his line."""

    def scenario(app, client):
        from domain.model import User
        from domain.payroll.model import LineConfirmation

        batch = new_batch(app, client)
        comp_id = compile_unit(app, client, batch, unit, who, submit=False)
        line = one(app, WageLineRow, compilation_id=comp_id)
        worker = one(app, User, person_id=line.person_id)
        login(client, app, worker.username)
        ok(client.post(f"/my/wages/{line.id}", data={"decision": "dispute", "comment": "少算两天"}))
        return bpmn_id, {"resolution": ""}, lambda: (
            one(app, LineConfirmation, line_id=line.id).state == "disputed"
        )

    return scenario


def summary_rendered(app, client):
    """去签署 (PM) needs the signing password: only on its own page."""
    batch = all_approved(app, client)
    login(client, app, "gc_pm")
    ok(client.post(f"/projects/1/payroll/batches/{batch.id}/summary"))
    drain(app)
    return "pm_sign", {"password": "qianshu2026"}, lambda: (
        one(app, WageBatch, id=batch.id).state == "pm_signing"
    )


def pm_signed(app, client):
    """去签署 (企业端) needs the certificate file: only on its own page."""
    batch_id = summary_rendered(app, client)[2] and one(app, WageBatch, project_id=1).id
    login(client, app, "gc_pm")
    url = f"/projects/1/payroll/batches/{batch_id}/sign"
    ok(client.post(url, data={"action": "issue", "password": "qianshu2026"}))
    ok(client.post(url, data={"password": "qianshu2026"}))
    return "enterprise_sign", {"password": "qiye2026"}, lambda: (
        one(app, WageBatch, id=batch_id).state == "enterprise_signing"
    )


def reminder_without_batch(app, client):
    """结算日提醒 completed while the month still has no batch number."""
    from domain.model import Project
    from services.payroll import remind_settlement_day
    from web.extensions import db
    from web.runtime import uow

    today = date.today().replace(day=25)
    with app.app_context():
        db.session.get(Project, 1).settlement_day = 25
        db.session.commit()
        assert remind_settlement_day(uow(), today) == 1
    return "create_batch_number", {"decision": "approve"}, lambda: (
        one(app, WageBatch, project_id=1) is None
    )


def makeup_reject_without_reason(app, client):
    from domain.signin.model import MakeupRequest

    login(client, app, "worker")
    day = recent_day_without_sign_in(app, "w001").isoformat()
    ok(client.post("/signin/makeup", data={"project_id": "1", "day": day, "reason": "手机没电"}))

    return "review_makeup", {"decision": "reject", "comment": ""}, lambda: (
        one(app, MakeupRequest, project_id=1).state == "pending"
    )


SCENARIOS = {
    "compile_wage_table": bad_net_line,
    "compile_own_wage_table": bad_own_line,
    "sub_review": reject_without_reason("sub_review"),
    "gc_review": reject_without_reason("gc_review"),
    "resolve_wage_dispute": dispute_without_resolution(2, "suba_op", "resolve_wage_dispute"),
    "resolve_own_wage_dispute": dispute_without_resolution(1, "gc_op", "resolve_own_wage_dispute"),
    "pm_sign": summary_rendered,
    "enterprise_sign": pm_signed,
    "create_batch_number": reminder_without_batch,
    "review_makeup": makeup_reject_without_reason,
}


def attempt(app, who: str, route: str, task_id: int, inputs: dict):
    if route == "cli":
        args = ["engine", "complete", str(task_id), "--as", USERNAMES.get(who, who)]
        for key, value in inputs.items():
            args += ["--set", f"{key}={value}"]
        return app.test_cli_runner().invoke(args=args)
    client = login(app.test_client(), app, who)
    if route == "api":
        return client.post(f"/api/tasks/{task_id}/complete", json=inputs)
    return client.post(f"/tasks/{task_id}", data=inputs)


@pytest.fixture
def payroll_app(app, tmp_path):
    configure_payroll(app, tmp_path / "pki")
    bound_connectors(app).bank_client = FakeBank()
    return app


@pytest.mark.parametrize("bpmn_id", sorted(SCENARIOS))
def test_no_route_skips_the_tasks_rule(payroll_app, bpmn_id):
    app = payroll_app
    expected, inputs, unchanged = SCENARIOS[bpmn_id](app, app.test_client())
    assert expected == bpmn_id
    task = open_task(app, bpmn_id)
    assert task is not None and unchanged()
    for route in ROUTES:
        for who in sorted(EVERYONE):
            answer = attempt(app, who, route, task.id, inputs)
            status = getattr(answer, "status_code", None)
            assert status is None or status < 500, (route, who, answer.text[:300])
            if route == "api":
                assert status >= 400, (who, answer.json)
            if route == "cli":  # refused with a message (click's exit), not a crash
                assert answer.exit_code != 0, (who, answer.output)
                assert isinstance(answer.exception, SystemExit), (who, repr(answer.exception))
                assert "Error:" in answer.output, (who, answer.output)
            reopened = open_task(app, bpmn_id)
            assert reopened is not None and reopened.id == task.id, (route, who)
            assert unchanged(), (route, who)


def test_the_generic_page_runs_the_review_handler(payroll_app):
    """Approving 分包审核 on the generic page moves the table on, as the review page does."""
    app = payroll_app
    client = app.test_client()
    batch = new_batch(app, client)
    comp_id = compile_unit(app, client, batch, 2, "suba_op")
    task = open_task(app, "sub_review")
    r = login(app.test_client(), app, "suba_pm").post(f"/tasks/{task.id}",
                                                     data={"decision": "approve"})  # fmt: skip
    ok(r)
    assert one(app, Compilation, id=comp_id).state == "sub_approved"
    assert one(app, HumanTask, id=task.id).status == "completed"


def test_the_generic_page_links_a_page_only_task_to_its_own_page(payroll_app):
    app = payroll_app
    summary_rendered(app, app.test_client())
    task = open_task(app, "pm_sign")
    page = login(app.test_client(), app, "gc_pm").get(f"/tasks/{task.id}").text
    assert 'id="own-page"' in page and "只能在专用页面办理" in page
    assert '<form method="post">' not in page  # no approve/reject form for it
    answer = login(app.test_client(), app, "gc_pm").post(f"/api/tasks/{task.id}/complete",
                                                         json={"password": "qianshu2026"})  # fmt: skip
    assert answer.status_code == 409 and answer.json["reason"] == "needs_own_page"
    assert answer.json["page"] == f"/payroll/tasks/{task.id}"


def test_a_review_step_inserted_in_the_diagram_does_not_break_the_payroll_pages(payroll_app):
    """A process admin adds 劳资专管员复核 before 生成汇总表: the batch page offers it (generic
    page), and once it is done the summary step follows as before."""
    from services.processes import deploy_diagram
    from web.runtime import uow

    app = payroll_app
    xml = (BPMN / "wage_payment.bpmn").read_text()
    xml = xml.replace(
        '<bpmn:flowNodeRef>generate_summary_table</bpmn:flowNodeRef>',
        '<bpmn:flowNodeRef>labour_check</bpmn:flowNodeRef>'
        '<bpmn:flowNodeRef>generate_summary_table</bpmn:flowNodeRef>',
    ).replace(
        '<bpmn:sequenceFlow id="f_summary" sourceRef="units_approved" '
        'targetRef="generate_summary_table" />',
        '<bpmn:sequenceFlow id="f_summary" sourceRef="units_approved" targetRef="labour_check" />'
        '<bpmn:userTask id="labour_check" name="劳资专管员复核" />'
        '<bpmn:sequenceFlow id="f_check" sourceRef="labour_check" '
        'targetRef="generate_summary_table" />',
    )
    with app.app_context():
        deploy_diagram(uow(), xml, by="admin")
    client = app.test_client()
    batch = all_approved(app, client)
    login(client, app, "gc_pm")
    page = client.get(f"/projects/1/payroll/batches/{batch.id}").text
    check = open_task(app, "labour_check")
    assert check is not None and "劳资专管员复核" in page and f"/tasks/{check.id}" in page
    ok(client.post(f"/tasks/{check.id}", data={"decision": "approve", "comment": "已核"}))
    page = client.get(f"/projects/1/payroll/batches/{batch.id}").text
    assert open_task(app, "generate_summary_table") is not None and "生成汇总表" in page
    ok(client.post(f"/projects/1/payroll/batches/{batch.id}/summary"))
    assert one(app, WageBatch, id=batch.id).state == "summarising"
