"""新增编制 from the 施工总包项目经理 account (the manual's 工资支付表编制 section): the GC manager
compiles and submits the GC's own unit's table, sees its compile task in his inbox, and is
refused a subcontractor's table on every route."""

from sqlalchemy import select

from domain.payroll.model import Compilation
from engine.models import HumanTask
from tests.web.payroll_helpers import confirm_lines
from tests.web.test_task_routes import login, new_batch, one


def _task_of(app, comp: Compilation) -> HumanTask:
    return one(app, HumanTask, bpmn_id="compile_own_wage_table" if comp.unit_id == 1
               else "compile_wage_table", status="open", unit_id=comp.unit_id)  # fmt: skip


def test_the_gc_manager_compiles_and_submits_the_gc_units_table(app, client):
    batch = new_batch(app, client)  # logged in as gc_pm
    own = one(app, Compilation, batch_id=batch.id, unit_id=1)
    inbox = client.get("/inbox").text
    assert "编制" in inbox and str(_task_of(app, own).id) in inbox
    r = client.post("/projects/1/payroll/compilations/new", data={"compilation_id": own.id})
    assert r.status_code == 302
    assert one(app, Compilation, id=own.id).compiled_at is not None
    confirm_lines(app, own.id)  # each worker confirmed his line (条例 Art. 31)
    r = client.post(f"/projects/1/payroll/compilations/{own.id}/submit")
    assert r.status_code == 302
    done = one(app, Compilation, id=own.id)
    assert done.state == "sub_approved" and done.submitted_by is not None


def test_the_gc_manager_may_not_compile_a_subcontractors_table(app, client):
    from web.extensions import db

    batch = new_batch(app, client)
    sub = one(app, Compilation, batch_id=batch.id, unit_id=2)
    task = _task_of(app, sub)
    login(client, app, "gc_pm")
    r = client.post("/projects/1/payroll/compilations/new", data={"compilation_id": sub.id})
    assert r.status_code == 403
    r = client.post(f"/api/tasks/{task.id}/complete", json={})
    assert r.status_code == 403
    with app.app_context():
        state = db.session.scalar(select(Compilation.state).where(Compilation.id == sub.id))
        assert state == "draft"
    assert one(app, HumanTask, id=task.id).status == "open"
