"""The bank side after the push, against a real ``mock-bank`` process (one per test, so MsgIds
never collide): a return that arrives days after reconciliation (mock-bank ``return-later``,
then ``POST /_mock/advance``) reopens the line; a bank that never reports and whose answer to
the push was lost becomes 银行回执超时 for the GC manager, and 再次询问银行 settles it; a bank
that cannot be reached shows on the batch page with a working 重试."""

import io
import json
import time
from datetime import timedelta
from urllib.request import urlopen

import pytest
from sqlalchemy import select
from sqlalchemy.orm import undefer

from connectors.bank_client import BankClient
from domain.payroll.batches import month_choices
from domain.payroll.model import BankSubmission, PayrollReminder, WageBatch, WageLineRow
from services.payroll_jobs import BankTerms
from services.pki import DEMO_ENTERPRISE_PASSWORD
from tests.integration.test_bank_mockbank import (
    _executable,
    _free_port,
    _wait_until_up,
    close_business_days,
)
from tests.web.payroll_helpers import (
    bound_connectors,
    configure_payroll,
    drain,
    drive_to_enterprise_signing,
)

WAGE_ACCOUNT_ID = "ZX-WAGE-SH2026001"


class Crash(Exception):
    """The answer to the push is lost (the process dies right after the bank took the file)."""


@pytest.fixture
def bank_url():
    import subprocess

    port = _free_port()
    process = subprocess.Popen([*_executable(), "--port", str(port), "-q"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def payroll_app(app, tmp_path, bank_url):
    configure_payroll(app, tmp_path / "pki")
    BankClient(bank_url).register_account(
        WAGE_ACCOUNT_ID, "徐汇滨江文化中心项目农民工工资专用账户", "31050161393600012",
        balance_fen=10**11,
    )  # fmt: skip
    bound = bound_connectors(app)
    bound.bank_url, saved = bank_url, bound.terms
    bound.terms = BankTerms(timedelta(hours=24), timedelta(days=30), "PT1S")
    yield app
    bound.after_send, bound.terms = None, saved


def _one(app, model, **where):
    from web.extensions import db

    with app.app_context():
        row = db.session.scalar(select(model).filter_by(**where).order_by(model.id)
                                .options(undefer("*")))  # read detached: deferred columns too
        db.session.expunge_all()
        return row


def _all(app, model, **where):
    from web.extensions import db

    with app.app_context():
        rows = list(db.session.scalars(select(model).filter_by(**where).order_by(model.id)))
        db.session.expunge_all()
        return rows


def _make_timers_due(app) -> None:
    """Time passes: the watch timer (PT1S here) expires, and jobs waiting for their next
    attempt are due now."""
    from engine.clock import utcnow
    from engine.models import Job
    from web.extensions import db

    time.sleep(1.1)
    with app.app_context():
        for job in db.session.scalars(select(Job).where(Job.status == "pending")):
            job.due_at = utcnow()
        db.session.commit()
        db.session.remove()


def _sign_as_enterprise(client, auth, tmp_path, batch_id):
    auth.logout()
    auth.login("gc_ent")
    p12 = (tmp_path / "pki" / "enterprise_demo.p12").read_bytes()
    r = client.post(f"/enterprise/batches/{batch_id}/sign", content_type="multipart/form-data",
                    data={"p12": (io.BytesIO(p12), "e.p12"), "password": DEMO_ENTERPRISE_PASSWORD})  # fmt: skip
    assert r.status_code == 302, r.text[:300]


def _instance_status(app, batch_id):
    import engine
    from web.extensions import db

    with app.app_context():
        batch = db.session.get(WageBatch, batch_id)
        status = engine.describe_instance(db.session, batch.instance_id)["status"]
        db.session.remove()
        return status


def _month():
    return month_choices(type("P", (), {"settlement_day": 25})())[0][0]


def test_a_return_days_after_payment_reopens_the_line(payroll_app, client, auth, tmp_path,
                                                      bank_url):  # fmt: skip
    app = payroll_app
    batch_id = drive_to_enterprise_signing(app, client, auth, _month())
    line = _one(app, WageLineRow, batch_id=batch_id)
    bank = BankClient(bank_url)
    bank.update_account(WAGE_ACCOUNT_ID, behaviour="return-later",
                        parameters={"days": 2, "end_to_end_id": f"WL{line.id}-1"})  # fmt: skip
    _sign_as_enterprise(client, auth, tmp_path, batch_id)
    drain(app)
    assert _one(app, WageBatch, id=batch_id).state == "paid"
    assert _one(app, WageLineRow, id=line.id).bank_status == "paid"
    assert _instance_status(app, batch_id) != "completed"  # watching for returns

    _make_timers_due(app)
    drain(app)  # a look before the return: nothing changes
    assert _one(app, WageLineRow, id=line.id).bank_status == "paid"

    close_business_days(bank_url, 3)  # its settlement (the next business day at the latest) + 2
    _make_timers_due(app)
    drain(app)
    returned = _one(app, WageLineRow, id=line.id)
    assert returned.bank_status == "returned" and "AC04" in (returned.bank_reason or "")
    assert _one(app, WageBatch, id=batch_id).state == "correcting"
    others = [r for r in _all(app, WageLineRow, batch_id=batch_id) if r.id != line.id]
    assert all(r.bank_status == "paid" for r in others if r.net)

    # The GC manager is told; the batch page and the worker's page show it; the task is open.
    (notice,) = _all(app, PayrollReminder, kind="line_returned")
    assert notice.batch_id == batch_id and notice.dismissed_at is None
    auth.logout()
    auth.login("gc_pm")
    page = client.get(f"/projects/1/payroll/batches/{batch_id}").text
    assert 'id="returned-notice"' in page and "被银行拒绝或退汇" in page
    assert "退汇" in client.get("/projects/1/payroll/compile").text
    auth.logout()
    auth.login("gc_op")
    correct = client.get(f"/projects/1/payroll/batches/{batch_id}/correct").text
    assert returned.worker_name in correct and 'id="repay"' in correct
    from domain.model import User

    worker = _one(app, User, person_id=line.person_id)
    auth.logout()
    auth.login(worker.username)
    assert "银行退回，项目部正在处理" in client.get("/my/wages").text


def test_a_lost_answer_and_no_report_become_an_overdue_batch_the_gc_manager_settles(
    payroll_app, client, auth, tmp_path, bank_url
):
    app = payroll_app
    bound = bound_connectors(app)
    bound.terms = BankTerms(timedelta(0), timedelta(days=30), "PT1S")  # answer due at once
    BankClient(bank_url).update_account(WAGE_ACCOUNT_ID, behaviour="silent")
    batch_id = drive_to_enterprise_signing(app, client, auth, _month())
    lost = []

    def lose_answer():
        if not lost:
            lost.append(1)
            raise Crash("the answer to the push was lost")

    bound.after_send = lose_answer
    _sign_as_enterprise(client, auth, tmp_path, batch_id)
    drain(app)
    _make_timers_due(app)  # the submit job's retry: resent, the bank answers "already sent"
    drain(app)
    sub = _one(app, BankSubmission, batch_id=batch_id, round=0)
    assert lost and sub.send_count == 1 and sub.reported_at is None
    assert _one(app, WageBatch, id=batch_id).state == "awaiting_bank"

    # No status report ever comes: the batch shows 银行回执超时 to the GC manager only.
    auth.logout()
    auth.login("gc_op")
    assert 'id="ask-bank"' not in client.get(f"/projects/1/payroll/batches/{batch_id}").text
    assert client.post(f"/projects/1/payroll/batches/{batch_id}/ask-bank").status_code in (403, 409)
    auth.logout()
    auth.login("gc_pm")
    page = client.get(f"/projects/1/payroll/batches/{batch_id}").text
    assert 'id="bank-overdue"' in page and "银行回执超时" in page
    r = client.post(f"/projects/1/payroll/batches/{batch_id}/ask-bank")
    assert r.status_code == 302
    drain(app)
    assert _one(app, WageBatch, id=batch_id).state == "paid"
    lines = [r for r in _all(app, WageLineRow, batch_id=batch_id) if r.net]
    assert lines and all(r.bank_status == "paid" for r in lines)
    with urlopen(bank_url + "/_mock/payments") as answer:
        paid = [p for p in json.load(answer) if p["msg_id"] == sub.msg_id]
    assert len(paid) == len(lines)  # asking again paid nobody twice
    assert 'id="bank-overdue"' not in client.get(f"/projects/1/payroll/batches/{batch_id}").text


def test_an_unreachable_bank_shows_on_the_batch_page_with_a_working_retry(
    payroll_app, client, auth, tmp_path, bank_url
):
    app = payroll_app
    bound = bound_connectors(app)
    batch_id = drive_to_enterprise_signing(app, client, auth, _month())
    bound.bank_url = "http://127.0.0.1:9"  # nothing listens there
    _sign_as_enterprise(client, auth, tmp_path, batch_id)
    drain(app)
    auth.logout()
    auth.login("gc_pm")
    page = client.get(f"/projects/1/payroll/batches/{batch_id}").text
    assert "bank-problem" in page and "推送银行" in page and "自动重试" in page
    for _ in range(5):  # the retries run out: an incident
        _make_timers_due(app)
        drain(app)
    page = client.get(f"/projects/1/payroll/batches/{batch_id}").text
    assert "故障" in page and "retry-step" in page
    from engine.models import Incident

    (incident,) = _all(app, Incident, resolved_at=None)
    auth.logout()
    auth.login("suba_pm")
    other = client.post(f"/projects/1/payroll/batches/{batch_id}/incidents/{incident.id}/retry")
    assert other.status_code in (403, 404)
    auth.logout()
    auth.login("gc_pm")
    bound.bank_url = bank_url
    r = client.post(f"/projects/1/payroll/batches/{batch_id}/incidents/{incident.id}/retry")
    assert r.status_code == 302
    drain(app)
    assert _one(app, WageBatch, id=batch_id).state == "paid"


def test_a_corrected_card_goes_out_only_after_both_signatures_of_the_supplementary_summary(
    payroll_app, client, auth, tmp_path, bank_url
):
    """The tester's attack: after a whole-file rejection, re-card a line and re-pay.  Here the
    card changes only when its worker confirms it, and nothing reaches the bank before the PM
    and the enterprise signed the supplementary summary that lists the new card."""
    from domain.model import Person, User
    from domain.payroll.model import SummaryFile

    app = payroll_app
    bank = BankClient(bank_url)
    bank.update_account(WAGE_ACCOUNT_ID, behaviour="reject-file")
    batch_id = drive_to_enterprise_signing(app, client, auth, _month())
    _sign_as_enterprise(client, auth, tmp_path, batch_id)
    drain(app)
    assert _one(app, WageBatch, id=batch_id).state == "correcting"
    lines = [r for r in _all(app, WageLineRow, batch_id=batch_id) if r.net]
    assert lines and all(r.bank_status == "rejected" for r in lines)
    bank.update_account(WAGE_ACCOUNT_ID, behaviour="accept")

    line = lines[0]
    new_card = "6222021000000099993"
    auth.logout()
    auth.login("gc_op")
    r = client.post(f"/projects/1/payroll/batches/{batch_id}/correct",
                    data={"line_id": line.id, "bank_card": new_card, "bank_name": "中国工商银行",
                          "bank_cnaps": "102290024433"})  # fmt: skip
    assert r.status_code == 302
    worker = _one(app, User, person_id=line.person_id)
    auth.logout()
    auth.login(worker.username)
    change_page = client.get("/my/card").text
    change_id = int(change_page.split('id="change-')[1].split('"')[0])
    assert client.post(f"/my/card/changes/{change_id}", data={"decision": "confirm"}).status_code == 302
    assert _one(app, Person, id=line.person_id).bank_card == new_card

    auth.logout()
    auth.login("gc_op")
    assert client.post(f"/projects/1/payroll/batches/{batch_id}/correct",
                       data={"action": "repay"}).status_code == 302  # fmt: skip
    drain(app)
    repay_msg = _one(app, WageBatch, id=batch_id).batch_no + "-R1"

    def paid_in_repayment():
        with urlopen(bank_url + "/_mock/payments") as answer:
            return [p for p in json.load(answer) if p["msg_id"] == repay_msg]

    supplementary = _one(app, SummaryFile, batch_id=batch_id, round=1)
    assert supplementary.state == "rendered" and supplementary.line_count == len(lines)
    assert paid_in_repayment() == []
    auth.logout()
    auth.login("gc_pm")
    sign = client.post(f"/projects/1/payroll/batches/{batch_id}/sign",
                       data={"password": "qianshu2026"})  # fmt: skip
    assert sign.status_code == 302
    drain(app)
    assert paid_in_repayment() == [] and _one(app, BankSubmission, batch_id=batch_id, round=1) is None

    _sign_as_enterprise(client, auth, tmp_path, batch_id)
    drain(app)
    sent = _one(app, BankSubmission, batch_id=batch_id, round=1)
    assert new_card.encode() in sent.xml and line.bank_card.encode() not in sent.xml
    assert len(paid_in_repayment()) == len(lines)
    assert _one(app, WageBatch, id=batch_id).state == "paid"
