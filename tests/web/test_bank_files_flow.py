"""A batch paid through a batch-file bank (工资设置 · 银行接口 = 工商银行 txt): the file written in
the bank's layout from the signed pain.001, downloaded; the bank's result file uploaded back with
one line refused; the correction and re-payment file; paid.  Wrong result files are refused whole
and nothing is kept."""

import io
import re

from sqlalchemy import func, select

from domain.model import User
from domain.payroll.batches import month_choices
from domain.payroll.model import BankFile, BankSubmission, WageBatch, WageLineRow
from services.pki import DEMO_ENTERPRISE_PASSWORD
from tests.web.payroll_helpers import (
    PM_PASSWORD,
    drain,
    drive_to_enterprise_signing,
)


def _one(app, model, **where):
    from web.extensions import db

    with app.app_context():
        row = db.session.scalar(select(model).filter_by(**where))
        db.session.expunge_all()
        return row


def _count_results(app) -> int:
    from web.extensions import db

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(BankFile).where(BankFile.direction == "in"))


def _login(client, auth, who):
    auth.logout()
    assert auth.login(who).status_code == 302


def _enterprise_signs(client, batch_id, tmp_path):
    p12 = (tmp_path / "pki" / "enterprise_demo.p12").read_bytes()
    r = client.post(f"/enterprise/batches/{batch_id}/sign", data={
        "p12": (io.BytesIO(p12), "enterprise.p12"), "password": DEMO_ENTERPRISE_PASSWORD},
        content_type="multipart/form-data")  # fmt: skip
    assert r.status_code == 302, r.text[:300]


def _out_file(client, batch_id) -> tuple[str, list[list[str]]]:
    page = client.get(f"/projects/1/payroll/batches/{batch_id}/bank-files").text
    links = re.findall(r'href="(/projects/1/payroll/batches/\d+/bank-files/\d+)">([^<]+\.txt)<', page)
    url, name = links[-1]
    data = client.get(url).data
    rows = [line.split("|") for line in data.decode("gbk").splitlines()]
    return name, rows


def _result_file(rows, refuse=(), amount_of=None) -> bytes:
    """The bank's answer: each detail line echoed with 状态 and 原因 (icbc.toml [result])."""
    out = ["序号|账号|户名|金额|本行|联行号|开户行|用途|参考号|状态|原因"]
    for row in rows[1:]:  # the header line of the file carries the account and totals
        reference = row[8]
        if amount_of:
            row = [*row[:3], amount_of(reference, row[3]), *row[4:]]
        status = ("失败", "账户已销户") if reference in refuse else ("成功", "")
        out.append("|".join([*row, *status]))
    return ("\r\n".join(out) + "\r\n").encode("gbk")


def _upload(client, batch_id, content: bytes, name="result.txt"):
    return client.post(f"/projects/1/payroll/batches/{batch_id}/bank-files/result",
                       data={"result_file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data",
                       headers={"Referer": f"http://localhost/projects/1/payroll/batches/{batch_id}/bank-files"})  # fmt: skip


def test_a_month_paid_through_the_bank_file_with_one_line_refused_and_paid_again(payroll_app, client, auth, tmp_path):
    app = payroll_app
    month = month_choices(type("P", (), {"settlement_day": 25})())[0][0]
    _login(client, auth, "gc_pm")
    page = client.get("/projects/1/payroll/bank-interface").text
    assert "中国工商银行" in page and "ISO 20022" in page
    assert client.post("/projects/1/payroll/bank-interface", data={"bank_adapter": "icbc"}).status_code == 302

    batch_id = drive_to_enterprise_signing(app, client, auth, month)
    _login(client, auth, "gc_ent")
    _enterprise_signs(client, batch_id, tmp_path)
    drain(app)  # pushed: the file is written; no answer yet, the batch waits
    batch = _one(app, WageBatch, id=batch_id)
    assert batch.state == "awaiting_bank"

    _login(client, auth, "gc_op")
    name, rows = _out_file(client, batch_id)
    sub = _one(app, BankSubmission, batch_id=batch_id, round=0)
    assert name == f"{sub.msg_id}-icbc.txt"
    header, details = rows[0], rows[1:]
    assert header[2] == str(sub.line_count) and header[3] == f"{sub.total:.2f}" and header[5] == sub.msg_id
    assert len(details) == sub.line_count and all(re.fullmatch(r"WL\d+-1", r[8]) for r in details)
    assert sum(int(r[3].replace(".", "")) for r in details) == int(sub.total * 100)

    # Wrong answers are refused whole, with the reason, and nothing is kept.
    foreign = _result_file(rows).replace(details[0][8].encode(), b"WL999999-1")
    r = _upload(client, batch_id, foreign)
    assert r.status_code == 400 and "不属于这个支付文件" in r.text
    changed = _result_file(rows, amount_of=lambda ref, a: "1.00" if ref == details[1][8] else a)
    r = _upload(client, batch_id, changed)
    assert r.status_code == 400 and "金额与支付文件不符" in r.text
    assert _upload(client, batch_id, b"").status_code == 400
    assert _upload(client, batch_id, "序号|x\r\n1|…".encode()).status_code == 400
    assert _count_results(app) == 0

    refused = details[0][8]
    r = _upload(client, batch_id, _result_file(rows, refuse={refused}))
    assert r.status_code == 302, r.text[:300]
    drain(app)
    assert _one(app, WageBatch, id=batch_id).state == "correcting"
    line_id = int(refused[2:].split("-")[0])
    line = _one(app, WageLineRow, id=line_id)
    assert (line.bank_status, line.bank_reason) == ("rejected", "AC04 账户已销户")
    paid = [_one(app, WageLineRow, id=int(r[8][2:].split("-")[0])).bank_status for r in details[1:]]
    assert set(paid) == {"paid"}

    # Correction: a new card the worker confirms, the supplementary summary signed, the R1 file.
    r = client.post(f"/projects/1/payroll/batches/{batch_id}/correct", data={
        "line_id": line_id, "bank_card": "6222021000000099993", "bank_name": "中国工商银行",
        "bank_cnaps": "102290024433"})  # fmt: skip
    assert r.status_code == 302
    worker = _one(app, User, person_id=line.person_id)
    _login(client, auth, worker.username)
    change_id = int(re.search(r'id="change-(\d+)"', client.get("/my/card").text).group(1))
    assert client.post(f"/my/card/changes/{change_id}", data={"decision": "confirm"}).status_code == 302
    _login(client, auth, "gc_op")
    assert client.post(f"/projects/1/payroll/batches/{batch_id}/correct", data={"action": "repay"}).status_code == 302
    drain(app)
    _login(client, auth, "gc_pm")
    assert client.post(f"/projects/1/payroll/batches/{batch_id}/sign", data={"password": PM_PASSWORD}).status_code == 302
    # The interface cannot change while a batch waits for the bank's answer.
    _login(client, auth, "gc_ent")
    _enterprise_signs(client, batch_id, tmp_path)
    drain(app)
    _login(client, auth, "gc_pm")
    r = client.post("/projects/1/payroll/bank-interface", data={"bank_adapter": "iso20022"},
                    headers={"Referer": "http://localhost/projects/1/payroll/bank-interface"})  # fmt: skip
    assert r.status_code == 409 and "正在等待银行回执" in r.text

    _login(client, auth, "gc_op")
    name, rows = _out_file(client, batch_id)
    assert name == f"{sub.msg_id}-R1-icbc.txt" and len(rows) == 2
    assert rows[1][1] == "6222021000000099993" and rows[1][8] == f"WL{line_id}-2"
    # The first file's answer is no answer to the second.
    assert _upload(client, batch_id, _result_file(_out_file(client, batch_id)[1]).replace(b"-2|", b"-1|")).status_code == 400
    assert _upload(client, batch_id, _result_file(rows)).status_code == 302
    drain(app)
    assert _one(app, WageBatch, id=batch_id).state == "paid"
    assert _one(app, WageLineRow, id=line_id).bank_status == "paid"
    page = client.get(f"/projects/1/payroll/batches/{batch_id}/bank-files").text
    assert page.count("回盘文件") >= 2 and "R1-icbc.txt" in page


def test_only_the_gc_side_reaches_the_bank_files_and_only_the_gc_manager_chooses(payroll_app, client, auth):
    _login(client, auth, "suba_op")
    assert client.get("/projects/1/payroll/batches/1/bank-files").status_code in (403, 404)
    assert client.post("/projects/1/payroll/bank-interface", data={"bank_adapter": "icbc"}).status_code == 403
    _login(client, auth, "gc_op")
    assert client.post("/projects/1/payroll/bank-interface", data={"bank_adapter": "icbc"}).status_code == 403
    _login(client, auth, "gc_pm")
    r = client.post("/projects/1/payroll/bank-interface", data={"bank_adapter": "no-such-bank"},
                    headers={"Referer": "http://localhost/projects/1/payroll/bank-interface"})  # fmt: skip
    assert r.status_code == 400 and "没有这个银行接口" in r.text
