"""Where the money goes, through every route that can reach it, as every role.

After the bank rejected a line, the card it is paid to again and the moment the re-payment is
sent are what an attacker or a careless clerk would change.  The invariants:

1. No route lets anyone but the worker put a new card on his line or record: the correction
   page only proposes (the worker confirms on his phone); the task's generic page, the JSON
   API and the CLI ignore any card sent with the task; other roles are refused.
2. However 重新支付 is done (its page, the generic page, the API, the CLI), nothing reaches the
   bank before the supplementary summary carries both signatures, and the file sent then is
   the signed one (its records' digest equals the signed digest).
"""

import io

import pytest
from sqlalchemy import select

from domain.model import Person, User
from domain.payroll.model import BankCardChange, BankSubmission, SummaryFile, WageBatch, WageLineRow
from engine.models import HumanTask
from services.pki import DEMO_ENTERPRISE_PASSWORD
from tests.web.payroll_helpers import (
    PM_PASSWORD,
    FakeBank,
    bound_connectors,
    configure_payroll,
    drain,
    drive_to_enterprise_signing,
)
from tests.web.route_matrix_payroll import EVERYONE, GC
from tests.web.test_task_routes import USERNAMES, attempt, login

NEW_CARD = "6222021000000099993"


@pytest.fixture
def rejected(app, client, auth, tmp_path):
    """A batch whose first line the bank rejected: (app, batch id, line, fake bank)."""
    from domain.payroll.batches import month_choices

    configure_payroll(app, tmp_path / "pki")
    bank = FakeBank()
    bound_connectors(app).bank_client = bank
    month = month_choices(type("P", (), {"settlement_day": 25})())[0][0]
    batch_id = drive_to_enterprise_signing(app, client, auth, month)
    line = _one(app, WageLineRow, batch_id=batch_id)
    bank.reject = {f"WL{line.id}-1"}
    _enterprise_signs(app, client, tmp_path, batch_id)
    assert _one(app, WageBatch, id=batch_id).state == "correcting" and bank.sent == 1
    bank.reject = set()
    return app, batch_id, line, bank, tmp_path


def _one(app, model, **where):
    from web.extensions import db

    with app.app_context():
        row = db.session.scalar(select(model).filter_by(**where).order_by(model.id))
        db.session.expunge_all()
        return row


def _enterprise_signs(app, client, tmp_path, batch_id):
    login(client, app, "gc_ent")
    p12 = (tmp_path / "pki" / "enterprise_demo.p12").read_bytes()
    r = client.post(f"/enterprise/batches/{batch_id}/sign", content_type="multipart/form-data",
                    data={"p12": (io.BytesIO(p12), "e.p12"), "password": DEMO_ENTERPRISE_PASSWORD})  # fmt: skip
    assert r.status_code == 302, r.text[:300]
    drain(app)


@pytest.mark.parametrize("who", sorted(EVERYONE))
def test_no_role_puts_a_new_card_on_a_line(rejected, client, who):
    app, batch_id, line, _bank, _ = rejected
    login(client, app, who)
    r = client.post(f"/projects/1/payroll/batches/{batch_id}/correct",
                    data={"line_id": line.id, "bank_card": NEW_CARD, "bank_name": "中国工商银行",
                          "bank_cnaps": "102290024433"})  # fmt: skip
    assert r.status_code < 500
    assert _one(app, WageLineRow, id=line.id).bank_card == line.bank_card
    assert _one(app, Person, id=line.person_id).bank_card == line.bank_card
    proposal = _one(app, BankCardChange, person_id=line.person_id)
    if who in GC:
        assert r.status_code == 302 and proposal.state == "pending"
    else:
        assert r.status_code in (403, 404) and proposal is None


@pytest.mark.parametrize("route", ["generic", "api", "cli"])
def test_the_correction_task_takes_no_card_from_any_route(rejected, route):
    app, batch_id, line, bank, _ = rejected
    task = _one(app, HumanTask, bpmn_id="correct_rejected_lines", status="open")
    inputs = {"bank_card": NEW_CARD, "bank_name": "中国工商银行", "bank_cnaps": "102290024433"}
    attempt(app, "gc_op", route, task.id, inputs)
    drain(app)
    assert _one(app, WageLineRow, id=line.id).bank_card == line.bank_card
    assert _one(app, Person, id=line.person_id).bank_card == line.bank_card
    assert bank.sent == 1  # completed or not, nothing went to the bank unsigned


@pytest.mark.parametrize("route", ["page", "generic", "api", "cli"])
def test_a_repayment_is_sent_only_after_both_signatures_of_its_summary(rejected, client, route):
    app, batch_id, line, bank, tmp_path = rejected
    if route == "page":
        login(client, app, "gc_op")
        r = client.post(f"/projects/1/payroll/batches/{batch_id}/correct",
                        data={"action": "repay"})  # fmt: skip
        assert r.status_code == 302
    else:
        task = _one(app, HumanTask, bpmn_id="correct_rejected_lines", status="open")
        answer = attempt(app, "gc_op", route, task.id, {})
        if route == "cli":
            assert answer.exit_code == 0, answer.output
        else:
            assert answer.status_code in (200, 302), answer.text[:300]
    drain(app)
    supplementary = _one(app, SummaryFile, batch_id=batch_id, round=1)
    assert supplementary.state == "rendered" and supplementary.line_count == 1
    assert bank.sent == 1 and _one(app, WageBatch, id=batch_id).state == "pm_signing"

    # The PM's signature alone sends nothing; the generic routes cannot sign in his place.
    pm_task = _one(app, HumanTask, bpmn_id="pm_sign", status="open")
    for other in ("generic", "api", "cli"):
        attempt(app, "gc_pm", other, pm_task.id, {"password": PM_PASSWORD})
    assert _one(app, HumanTask, id=pm_task.id).status == "open"
    login(client, app, "gc_pm")
    r = client.post(f"/projects/1/payroll/batches/{batch_id}/sign", data={"password": PM_PASSWORD})
    assert r.status_code == 302
    drain(app)
    assert bank.sent == 1 and _one(app, WageBatch, id=batch_id).state == "enterprise_signing"

    _enterprise_signs(app, client, tmp_path, batch_id)
    assert bank.sent == 2 and _one(app, WageBatch, id=batch_id).state == "paid"
    sent = _one(app, BankSubmission, batch_id=batch_id, round=1)
    assert sent.records_sha256 == _one(app, SummaryFile, batch_id=batch_id, round=1).lines_sha256


def test_only_the_worker_makes_a_proposed_card_his(rejected, client):
    app, batch_id, line, bank, _ = rejected
    login(client, app, "gc_op")
    client.post(f"/projects/1/payroll/batches/{batch_id}/correct",
                data={"line_id": line.id, "bank_card": NEW_CARD, "bank_name": "中国工商银行",
                      "bank_cnaps": "102290024433"})  # fmt: skip
    change = _one(app, BankCardChange, person_id=line.person_id)
    worker = _one(app, User, person_id=line.person_id)
    for who in sorted(EVERYONE):  # nobody else can confirm it, not even another worker
        if USERNAMES.get(who, who) != worker.username:
            login(client, app, who)
            client.post(f"/my/card/changes/{change.id}", data={"decision": "confirm"})
    assert _one(app, BankCardChange, id=change.id).state == "pending"
    login(client, app, worker.username)
    r = client.post(f"/my/card/changes/{change.id}", data={"decision": "confirm"})
    assert r.status_code == 302
    assert _one(app, Person, id=line.person_id).bank_card == NEW_CARD
    # A card registered to another worker is refused on his own page too.
    other = _one(app, Person, id=line.person_id + 1)
    r = client.post("/my/card", data={"bank_card": other.bank_card, "bank_name": "中国银行",
                                      "bank_cnaps": "104290003791"})  # fmt: skip
    assert r.status_code == 400 and "其他工人" in r.text
    assert _one(app, Person, id=line.person_id).bank_card == NEW_CARD
