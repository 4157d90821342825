"""工人确认 (条例 Art. 31): each worker confirms his own line before his unit's table is submitted
— on his phone, or his signed paper confirmation — and a dispute is an inbox task for the
unit's operator.  The rule holds on every route of 提交审核: the compile page, the generic task
page, the API and the CLI; only the GC manager may turn it off (audited)."""

import io
import json
import re

import pytest
from sqlalchemy import select

from domain.model import AuditEntry
from domain.payroll.batches import month_choices
from domain.payroll.model import Compilation, LineConfirmation, WageBatch, WageLineRow
from engine.models import HumanTask
from tests.retention_helpers import deleting_allowed
from tests.web.payroll_helpers import confirm_lines

P = "/projects/1/payroll"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%signed by the worker\n"


def as_user(client, auth, who):
    auth.logout()
    assert auth.login(who).status_code == 302


def one(app, model, **where):
    from web.extensions import db

    with app.app_context():
        row = db.session.scalar(select(model).filter_by(**where).order_by(model.id.desc()))
        db.session.expunge_all()
        return row


def rows(app, model, **where):
    from web.extensions import db

    with app.app_context():
        found = list(db.session.scalars(select(model).filter_by(**where).order_by(model.id)))
        db.session.expunge_all()
        return found


def ok(r):
    assert r.status_code == 302, r.text[:500]
    return r


def compiled(app, client, auth, unit=1, who="gc_op") -> int:
    """A batch of the month; the unit's table compiled (nobody has confirmed yet)."""
    as_user(client, auth, "gc_pm")
    ok(client.post(P + "/settlement", data={"day": "25"}))
    month = month_choices(type("P", (), {"settlement_day": 25})())[0][0]
    ok(client.post(P + "/batches", data={"month": month}))
    comp = one(app, Compilation, batch_id=one(app, WageBatch, project_id=1).id, unit_id=unit)
    as_user(client, auth, who)
    ok(client.post(P + "/compilations/new", data={"compilation_id": comp.id}))
    return comp.id


def line_of(app, comp_id, username="w001") -> WageLineRow:
    from domain.model import User

    person = one(app, User, username=username).person_id
    return one(app, WageLineRow, compilation_id=comp_id, person_id=person)


def submit_page(client, comp_id):
    url = f"{P}/compilations/{comp_id}"
    return client.post(url + "/submit", headers={"Referer": "http://localhost" + url})


def compile_task(app) -> HumanTask:
    return one(app, HumanTask, bpmn_id="compile_own_wage_table", status="open")


def test_submit_is_refused_on_every_route_until_every_worker_confirmed(payroll_app, client, auth):
    app = payroll_app
    comp_id = compiled(app, client, auth)
    lines = rows(app, WageLineRow, compilation_id=comp_id)
    first = lines[0].worker_name
    r = submit_page(client, comp_id)
    assert r.status_code == 409 and f"还有 {len(lines)} 名工人未确认工资（{first}" in r.text
    assert 'id="confirmations"' in r.text and f"待确认 {len(lines)}" in r.text
    task = compile_task(app)
    api = client.post(f"/api/tasks/{task.id}/complete", json={})
    assert api.status_code == 409 and api.json["reason"] == "lines_unconfirmed"
    assert api.json["params"]["n"] == len(lines)
    assert client.post(f"/tasks/{task.id}", data={}).status_code == 409  # the generic page
    with app.app_context():
        cli = app.test_cli_runner().invoke(args=["engine", "complete", str(task.id), "--as", "gc_op"])
    assert cli.exit_code != 0 and "名工人未确认工资" in cli.output, cli.output
    client.get("/lang/en")
    r = submit_page(client, comp_id)
    assert f"{len(lines)} workers have not confirmed their line yet ({first}" in r.text
    client.get("/lang/zh")
    assert one(app, Compilation, id=comp_id).state == "draft"

    confirm_lines(app, comp_id)
    page = client.get(f"{P}/compilations/{comp_id}").text
    assert f"已确认 {len(lines)}" in page
    ok(submit_page(client, comp_id))
    assert one(app, Compilation, id=comp_id).state == "sub_approved"


def test_a_changed_amount_needs_confirming_again(payroll_app, client, auth):
    app = payroll_app
    comp_id = compiled(app, client, auth)
    confirm_lines(app, comp_id)
    line = line_of(app, comp_id)
    ok(client.post(f"{P}/compilations/{comp_id}", data={f"l-{line.id}-gross": "1.00",
                                                       f"l-{line.id}-net": "1.00"}))  # fmt: skip
    page = client.get(f"{P}/compilations/{comp_id}").text
    assert "确认后金额已变更，须重新确认" in page and "待确认 1" in page
    r = submit_page(client, comp_id)
    assert r.status_code == 409 and f"还有 1 名工人未确认工资（{line.worker_name}）" in r.text
    # the amounts saved with 提交审核 itself count too: confirmed as 1.00, submitted as 2.00
    as_user(client, auth, "w001")
    assert "您确认后工资有变动，请重新确认" in client.get("/my/wages").text
    ok(client.post(f"/my/wages/{line.id}", data={"decision": "confirm"}))
    as_user(client, auth, "gc_op")
    r = client.post(f"{P}/compilations/{comp_id}/submit",
                    data={f"l-{line.id}-gross": "2.00", f"l-{line.id}-net": "2.00"},
                    headers={"Referer": f"http://localhost{P}/compilations/{comp_id}"})  # fmt: skip
    assert r.status_code == 409 and one(app, WageLineRow, id=line.id).gross == 1  # rolled back


def test_a_dispute_opens_a_task_blocks_the_table_and_the_worker_sees_the_answer(
    payroll_app, client, auth
):
    app = payroll_app
    comp_id = compiled(app, client, auth)
    confirm_lines(app, comp_id)
    line = line_of(app, comp_id)
    as_user(client, auth, "w001")
    from web.extensions import db

    with app.app_context(), deleting_allowed(db.session):  # back to 待确认: he disputes
        db.session.query(LineConfirmation).filter_by(line_id=line.id).delete()
        db.session.commit()
    r = client.post(f"/my/wages/{line.id}", data={"decision": "dispute", "comment": ""},
                    headers={"Referer": "http://localhost/my/wages"})  # fmt: skip
    assert r.status_code == 400 and "有异议时请写明原因" in r.text
    ok(client.post(f"/my/wages/{line.id}", data={"decision": "dispute", "comment": "少算两天"}))
    page = client.get("/my/wages").text
    assert "已提出异议，项目部处理中" in page and "少算两天" in page
    again = client.post(f"/my/wages/{line.id}", data={"decision": "confirm"})
    assert again.status_code == 409  # the dispute is open: wait for the answer
    task = one(app, HumanTask, bpmn_id="resolve_own_wage_dispute", status="open")
    assert task is not None and task.unit_id == 1

    as_user(client, auth, "suba_op")  # another unit's operator does not see it
    assert f"/payroll/disputes/{task.id}" not in client.get("/inbox").text
    as_user(client, auth, "gc_op")
    inbox = client.get("/inbox").text
    assert f"/payroll/disputes/{task.id}" in inbox and "处理工资异议" in inbox
    link = client.get(f"/payroll/disputes/{task.id}")
    assert link.status_code == 302 and f"#confirm-{line.id}" in link.headers["Location"]
    page = client.get(f"{P}/compilations/{comp_id}").text
    assert "有异议 1" in page and "少算两天" in page and 'class="resolve-form"' in page
    r = submit_page(client, comp_id)
    assert r.status_code == 409 and f"有 1 名工人对工资有异议尚未处理（{line.worker_name}）" in r.text

    url = f"{P}/lines/{line.id}/resolve"
    referer = {"Referer": f"http://localhost{P}/compilations/{comp_id}"}
    r = client.post(url, data={"resolution": " "}, headers=referer)
    assert r.status_code == 400 and "请填写处理结果" in r.text
    ok(client.post(url, data={"resolution": "已核对考勤，补签两天已计入"}))
    assert one(app, HumanTask, id=task.id).status == "completed"
    conf = one(app, LineConfirmation, line_id=line.id)
    assert conf.state == "resolved" and conf.resolution == "已核对考勤，补签两天已计入"
    assert submit_page(client, comp_id).status_code == 409  # the answer is not his signature

    as_user(client, auth, "w001")
    page = client.get("/my/wages").text
    assert "项目部答复" in page and "已核对考勤，补签两天已计入" in page and "请核对处理结果后重新确认" in page
    ok(client.post(f"/my/wages/{line.id}", data={"decision": "confirm"}))
    as_user(client, auth, "gc_op")
    ok(submit_page(client, comp_id))
    actions = {e.action for e in rows(app, AuditEntry, project_id=1)}
    assert {"payroll.line_disputed", "payroll.dispute_resolved", "payroll.line_confirmed"} <= actions


def test_a_dispute_answered_on_the_generic_task_page(payroll_app, client, auth):
    app = payroll_app
    comp_id = compiled(app, client, auth, unit=2, who="suba_op")
    line = one(app, WageLineRow, compilation_id=comp_id)
    from domain.model import User

    as_user(client, auth, one(app, User, person_id=line.person_id).username)
    ok(client.post(f"/my/wages/{line.id}", data={"decision": "dispute", "comment": "扣款不对"}))
    task = one(app, HumanTask, bpmn_id="resolve_wage_dispute", status="open")
    as_user(client, auth, "suba_op")
    ok(client.post(f"/tasks/{task.id}", data={"resolution": "扣款为借支，已附借条"}))
    assert one(app, LineConfirmation, line_id=line.id).resolution == "扣款为借支，已附借条"


def test_the_worker_confirms_only_his_own_line_and_only_while_it_is_compiled(
    payroll_app, client, auth
):
    app = payroll_app
    comp_id = compiled(app, client, auth)
    other = line_of(app, comp_id, "w002")
    as_user(client, auth, "w001")
    assert client.post(f"/my/wages/{other.id}", data={"decision": "confirm"}).status_code == 404
    confirm_lines(app, comp_id)
    as_user(client, auth, "gc_op")
    ok(submit_page(client, comp_id))
    as_user(client, auth, "w001")
    mine = line_of(app, comp_id)
    r = client.post(f"/my/wages/{mine.id}", data={"decision": "dispute", "comment": "晚了"})
    assert r.status_code == 409 and one(app, LineConfirmation, line_id=mine.id).state == "confirmed"
    assert "✓ 已确认" in client.get("/my/wages").text


def test_paper_confirmation_upload(payroll_app, client, auth):
    app = payroll_app
    comp_id = compiled(app, client, auth)
    line = line_of(app, comp_id)
    url = f"{P}/lines/{line.id}/paper"
    referer = {"Referer": f"http://localhost{P}/compilations/{comp_id}"}

    def upload(data: bytes, name="confirm.png"):
        return client.post(url, data={"paper": (io.BytesIO(data), name)},
                           content_type="multipart/form-data", headers=referer)  # fmt: skip

    r = upload(b"GIF89a not a confirmation", "confirm.png")  # the name says PNG; the bytes do not
    assert r.status_code == 400 and "确认单须为 PDF、JPEG 或 PNG 文件" in r.text
    r = upload(b"%PDF-" + b"0" * (5 * 1024 * 1024))
    assert r.status_code == 400 and "确认单不能超过 5 MB" in r.text
    assert client.post(url, data={}, headers=referer).status_code == 400
    assert one(app, LineConfirmation, line_id=line.id) is None
    ok(upload(PNG))
    conf = one(app, LineConfirmation, line_id=line.id)
    assert conf.state == "paper" and conf.paper_id
    got = client.get(url)
    assert got.status_code == 200 and got.data == PNG and got.mimetype == "image/png"
    page = client.get(f"{P}/compilations/{comp_id}").text
    assert "纸质确认 1" in page and "查看纸质确认单" in page
    ok(upload(PDF, "a.pdf"))  # a second upload replaces it; both stay stored
    assert client.get(url).mimetype == "application/pdf"
    assert any(e.action == "payroll.line_paper_confirmed" for e in rows(app, AuditEntry))
    as_user(client, auth, "suba_op")  # another unit's operator
    assert client.get(url).status_code == 403
    assert upload(PNG).status_code == 403
    as_user(client, auth, "w001")
    assert "✓ 已纸质签字确认" in client.get("/my/wages").text


@pytest.mark.parametrize("who", ["gc_op", "suba_pm", "suba_op", "gc_ent", "w001"])
def test_only_the_gc_manager_turns_the_rule_off(payroll_app, client, auth, who):
    app = payroll_app
    as_user(client, auth, who)
    r = client.post(P + "/line-confirmation", data={})
    assert r.status_code == 403
    from domain.access import load_actor
    from domain.errors import AccessDenied
    from domain.model import User
    from services import confirmation
    from web.extensions import db
    from web.runtime import uow

    with app.app_context():
        actor = load_actor(db.session, db.session.scalar(select(User).filter_by(username=who)))
        with pytest.raises(AccessDenied):
            confirmation.set_required(uow(), actor, 1, False)
        db.session.remove()
    assert not [e for e in rows(app, AuditEntry) if e.action == "payroll.line_confirmation_required"]


def test_the_gc_manager_turns_it_off_audited_and_tables_go_in_unconfirmed(
    payroll_app, client, auth
):
    app = payroll_app
    comp_id = compiled(app, client, auth)
    as_user(client, auth, "gc_pm")
    page = client.get(P + "/settlement").text
    assert re.search(r'id="line-confirmation-required" checked', page)  # on by default
    ok(client.post(P + "/line-confirmation", data={}))
    assert 'id="line-confirmation-required" checked' not in client.get(P + "/settlement").text
    entry = [e for e in rows(app, AuditEntry) if e.action == "payroll.line_confirmation_required"]
    assert len(entry) == 1 and json.loads(entry[0].before) == {"line_confirmation_required": True}
    as_user(client, auth, "gc_op")
    assert "已关闭" in client.get(f"{P}/compilations/{comp_id}").text
    ok(submit_page(client, comp_id))


def test_the_confirmation_pages_are_english(payroll_app, client, auth):
    """The worker's page with 确认无误/有异议 and the answer, the compile page with a dispute to
    answer and paper upload forms, the dispute task: in English with the data removed."""
    from tests.web.test_english import check_english, data_values

    app = payroll_app
    comp_id = compiled(app, client, auth)
    line = line_of(app, comp_id)
    client.get("/lang/en")
    leftovers: dict = {}
    as_user(client, auth, "w002")
    check_english(client, "/my/wages", data_values(app), leftovers)  # to confirm
    as_user(client, auth, "w001")
    ok(client.post(f"/my/wages/{line.id}", data={"decision": "dispute", "comment": "少算两天"}))
    check_english(client, "/my/wages", data_values(app), leftovers)  # disputed
    task = one(app, HumanTask, bpmn_id="resolve_own_wage_dispute", status="open")
    as_user(client, auth, "gc_op")
    for url in (f"{P}/compilations/{comp_id}", "/inbox", f"/tasks/{task.id}"):
        check_english(client, url, data_values(app), leftovers)
    ok(client.post(f"{P}/lines/{line.id}/resolve", data={"resolution": "已核对"}))
    as_user(client, auth, "w001")
    check_english(client, "/my/wages", data_values(app), leftovers)  # answered
    as_user(client, auth, "gc_pm")
    check_english(client, f"{P}/settlement", data_values(app), leftovers)
    assert not leftovers, f"Chinese UI text in English mode: {leftovers}"


def test_compiling_again_cannot_drop_a_line_whose_dispute_is_open(payroll_app, client, auth):
    from domain.signin.model import Attendance
    from web.extensions import db

    app = payroll_app
    comp_id = compiled(app, client, auth)
    line = line_of(app, comp_id)
    as_user(client, auth, "w001")
    ok(client.post(f"/my/wages/{line.id}", data={"decision": "dispute", "comment": "少算两天"}))
    with app.app_context(), deleting_allowed(db.session):  # his sign-ins of the period are
        db.session.query(Attendance).filter_by(person_id=line.person_id).delete()  # gone
        db.session.commit()
    as_user(client, auth, "gc_op")
    r = client.post(P + "/compilations/new", data={"compilation_id": comp_id},
                    headers={"Referer": f"http://localhost{P}/compile"})  # fmt: skip
    assert r.status_code == 409 and "对工资的异议尚未处理，请先答复异议再重新编制" in r.text
    assert one(app, WageLineRow, id=line.id) is not None
    ok(client.post(f"{P}/lines/{line.id}/resolve", data={"resolution": "考勤已更正"}))
    ok(client.post(P + "/compilations/new", data={"compilation_id": comp_id}))
    cleared = one(app, WageLineRow, id=line.id)  # kept, with nothing to pay (never deleted)
    assert cleared.days == 0 and cleared.net == 0
    assert one(app, LineConfirmation, line_id=line.id).state == "resolved"  # the record stays
