"""The manual's wage payment flow through the pages, every role, with a fake bank: settlement
day → batch number → three units compile → reviews with a reject → summary → PM signs →
enterprise signs → bank push with one rejected line → the operator proposes the worker's new
card and the worker confirms it on his phone → re-payment on a supplementary summary signed
again by the PM and the enterprise → paid, returns watched for."""

import io
import re

from sqlalchemy import select

import engine
from domain.model import Person, User
from domain.payroll.batches import month_choices
from domain.payroll.model import (
    BankSubmission,
    Compilation,
    LineConfirmation,
    SummaryFile,
    WageBatch,
    WageLineRow,
)
from services.pki import DEMO_ENTERPRISE_PASSWORD
from tests.web.payroll_helpers import (
    FakeBank,
    bound_connectors,
    confirm_lines,
    drain,
)


def as_user(client, auth, who):
    auth.logout()
    assert auth.login(who).status_code == 302


def state(app, model, **where):
    from web.extensions import db

    with app.app_context():
        row = db.session.scalar(select(model).filter_by(**where))
        db.session.expunge_all()
        return row


def post(client, url, data=None, **kw):
    r = client.post(url, data=data or {}, **kw)
    assert r.status_code == 302, r.text[:500]
    return r


def test_whole_flow_through_the_pages(payroll_app, client, auth, tmp_path):
    app = payroll_app
    bank = FakeBank()
    bound_connectors(app).bank_client = bank
    month = month_choices(type("P", (), {"settlement_day": 25})())[0][0]

    as_user(client, auth, "gc_pm")
    post(client, "/projects/1/payroll/settlement", {"day": "25"})
    page = client.get("/projects/1/payroll/compile").text
    assert "新增银行交换批次号" in page and "2" in page
    post(client, "/projects/1/payroll/batches", {"month": month})
    batch = state(app, WageBatch, project_id=1)
    assert batch.batch_no == f"SH2026001-{month.replace('-', '')}-01" and batch.instance_id

    comps = {}
    for who, unit in (("gc_op", 1), ("suba_op", 2), ("subb_op", 3)):
        as_user(client, auth, who)
        comp = state(app, Compilation, batch_id=batch.id, unit_id=unit)
        comps[unit] = comp.id
        post(client, "/projects/1/payroll/compilations/new", {"compilation_id": comp.id})
        page = client.get(f"/projects/1/payroll/compilations/{comp.id}").text
        assert "提交审核" in page and "保存草稿" in page
        confirm_lines(app, comp.id)
        post(client, f"/projects/1/payroll/compilations/{comp.id}/submit")
    # A sub operator cannot open another unit's table.
    assert client.get(f"/projects/1/payroll/compilations/{comps[2]}").status_code == 403

    as_user(client, auth, "suba_pm")
    post(client, f"/projects/1/payroll/compilations/{comps[2]}/review", {"decision": "approve"})
    as_user(client, auth, "subb_pm")
    post(client, f"/projects/1/payroll/compilations/{comps[3]}/review",
         {"decision": "reject", "reason": "扣款无原因"})  # fmt: skip
    assert state(app, Compilation, id=comps[3]).reject_reason == "扣款无原因"
    as_user(client, auth, "subb_op")
    assert "扣款无原因" in client.get("/projects/1/payroll/compile").text
    post(client, f"/projects/1/payroll/compilations/{comps[3]}/submit")
    as_user(client, auth, "subb_pm")
    post(client, f"/projects/1/payroll/compilations/{comps[3]}/review", {"decision": "approve"})

    as_user(client, auth, "gc_pm")
    for unit in (1, 2, 3):
        post(client, f"/projects/1/payroll/compilations/{comps[unit]}/review",
             {"decision": "approve"})  # fmt: skip
    assert "生成汇总表" in client.get("/projects/1/payroll/review").text
    post(client, f"/projects/1/payroll/batches/{batch.id}/summary")
    drain(app)
    assert state(app, WageBatch, id=batch.id).state == "pm_signing"
    pdf = client.get(f"/projects/1/payroll/batches/{batch.id}/summary.pdf")
    assert pdf.data.startswith(b"%PDF")
    assert "去签署" in client.get("/projects/1/payroll/push").text
    post(client, f"/projects/1/payroll/batches/{batch.id}/sign",
         {"action": "issue", "password": "qianshu2026"})  # fmt: skip
    wrong = client.post(
        f"/projects/1/payroll/batches/{batch.id}/sign", data={"password": "wrong-pw"}
    )
    assert wrong.status_code == 400 and "签署密码不正确" in wrong.text
    assert state(app, WageBatch, id=batch.id).state == "pm_signing"
    post(client, f"/projects/1/payroll/batches/{batch.id}/sign", {"password": "qianshu2026"})
    assert state(app, WageBatch, id=batch.id).state == "enterprise_signing"

    first_line = state(app, WageLineRow, batch_id=batch.id, compilation_id=comps[2])
    bank.reject = {f"WL{first_line.id}-1"}
    as_user(client, auth, "gc_ent")
    assert "去签署" in client.get("/enterprise/push").text
    p12 = (tmp_path / "pki" / "enterprise_demo.p12").read_bytes()

    post(client, f"/enterprise/batches/{batch.id}/sign", {
        "p12": (io.BytesIO(p12), "enterprise.p12"), "password": DEMO_ENTERPRISE_PASSWORD},
        content_type="multipart/form-data")  # fmt: skip
    drain(app)
    assert state(app, WageBatch, id=batch.id).state == "correcting"
    line = state(app, WageLineRow, id=first_line.id)
    assert (line.bank_status, line.bank_reason) == ("rejected", "AC04 账户已销户")

    as_user(client, auth, "gc_op")
    page = client.get(f"/projects/1/payroll/batches/{batch.id}/correct").text
    assert first_line.worker_name in page
    post(client, f"/projects/1/payroll/batches/{batch.id}/correct", {
        "line_id": first_line.id, "bank_card": "6222021000000099993", "bank_name": "中国工商银行",
        "bank_cnaps": "102290024433"})  # fmt: skip
    # Proposed, not applied: only the worker can make it his card.
    assert state(app, WageLineRow, id=first_line.id).bank_card == first_line.bank_card
    assert "待工人确认" in client.get(f"/projects/1/payroll/batches/{batch.id}/correct").text
    worker = state(app, User, person_id=first_line.person_id)
    as_user(client, auth, worker.username)
    assert "项目部为您登记了新的工资卡" in client.get("/my/wages").text
    change_id = int(re.search(r'id="change-(\d+)"', client.get("/my/card").text).group(1))
    post(client, f"/my/card/changes/{change_id}", {"decision": "confirm"})
    assert state(app, Person, id=first_line.person_id).bank_card == "6222021000000099993"

    as_user(client, auth, "gc_op")
    post(client, f"/projects/1/payroll/batches/{batch.id}/correct", {"action": "repay"})
    drain(app)
    assert state(app, WageLineRow, id=first_line.id).bank_card == "6222021000000099993"
    assert state(app, WageBatch, id=batch.id).state == "pm_signing" and bank.sent == 1
    supplementary = state(app, SummaryFile, batch_id=batch.id, round=1)
    assert supplementary.line_count == 1 and supplementary.state == "rendered"
    as_user(client, auth, "gc_pm")
    post(client, f"/projects/1/payroll/batches/{batch.id}/sign", {"password": "qianshu2026"})
    as_user(client, auth, "gc_ent")
    post(client, f"/enterprise/batches/{batch.id}/sign", {
        "p12": (io.BytesIO(p12), "enterprise.p12"), "password": DEMO_ENTERPRISE_PASSWORD},
        content_type="multipart/form-data")  # fmt: skip
    drain(app)
    assert state(app, WageBatch, id=batch.id).state == "paid"
    as_user(client, auth, "gc_op")
    repaid = state(app, BankSubmission, batch_id=batch.id, round=1)
    assert repaid.msg_id == batch.batch_no + "-R1" and repaid.line_count == 1
    assert bank.sent == 2
    page = client.get(f"/projects/1/payroll/batches/{batch.id}").text
    assert f"WL{first_line.id}-2" in page and "已入账" in page
    verify = client.get(f"/projects/1/payroll/batches/{batch.id}/verify").text
    assert verify.count('class="sig-ok"') == 2 and "所有签名有效" in verify and "✓ 一致" in verify
    csv = client.get(f"/projects/1/payroll/batches/{batch.id}/daifa.csv")
    assert csv.data.startswith("\ufeff序号".encode())
    with app.app_context():
        from web.extensions import db

        # Paid; the instance watches for returns (退汇观察期) until the watch is over.
        assert engine.describe_instance(db.session, batch.instance_id)["status"] != "completed"


def test_worker_confirms_or_disputes_his_line(payroll_app, client, auth):
    app = payroll_app
    as_user(client, auth, "gc_pm")
    post(client, "/projects/1/payroll/settlement", {"day": "25"})
    month = month_choices(type("P", (), {"settlement_day": 25})())[0][0]
    post(client, "/projects/1/payroll/batches", {"month": month})
    batch = state(app, WageBatch, project_id=1)
    comp = state(app, Compilation, batch_id=batch.id, unit_id=1)
    as_user(client, auth, "gc_op")
    post(client, "/projects/1/payroll/compilations/new", {"compilation_id": comp.id})
    as_user(client, auth, "w001")
    page = client.get("/my/wages").text
    line_id = int(re.search(r'id="wage-(\d+)"', page).group(1))
    r = client.post(f"/my/wages/{line_id}", data={"decision": "dispute", "comment": ""})
    assert r.status_code == 400 and state(app, LineConfirmation, line_id=line_id) is None
    post(client, f"/my/wages/{line_id}", {"decision": "dispute", "comment": "少算两天"})
    assert state(app, LineConfirmation, line_id=line_id).comment == "少算两天"
    as_user(client, auth, "gc_op")
    assert "少算两天" in client.get(f"/projects/1/payroll/compilations/{comp.id}").text
