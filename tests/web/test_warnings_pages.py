"""预警 pages: who sees which warnings (the GC manager all his project, a subcontractor's manager
his unit), warnings raised by real data, each linking to a page that opens, the setting N, the
counts on the project page."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from domain.model import Authorisation, Project
from domain.payroll.model import Compilation, WageLineRow
from services import warnings
from tests.login_helpers import log_in_directly

P = "/projects/1/payroll"


def ok(r):
    assert r.status_code == 302, r.text[:500]
    return r


def found_for(app, username, project_id=None):
    from domain.access import load_actor
    from domain.model import User
    from web.extensions import db
    from web.runtime import uow

    with app.test_request_context():
        user = db.session.scalar(select(User).where(User.username == username))
        return warnings.warnings_for(uow(), load_actor(db.session, user), project_id)


def change(app, stmt):
    from web.extensions import db

    with app.app_context():
        db.session.execute(stmt)
        db.session.commit()


def batch_with_table(app, client, unit=2, who="suba_op"):
    from domain.payroll.batches import month_choices
    from web.extensions import db

    log_in_directly(client, app, "gc_pm")
    ok(client.post(f"{P}/settlement", data={"day": "25"}))
    month = month_choices(type("P", (), {"settlement_day": 25})())[0][0]
    ok(client.post(f"{P}/batches", data={"month": month}))
    with app.app_context():
        comp = db.session.scalar(select(Compilation.id).where(Compilation.unit_id == unit)
                                 .order_by(Compilation.id.desc()))  # fmt: skip
    log_in_directly(client, app, who)
    ok(client.post(f"{P}/compilations/new", data={"compilation_id": comp}))
    return comp


@pytest.mark.parametrize("who", ["gc_op", "suba_op", "gc_ent", "w001", "admin"])
def test_only_managers_see_warnings(app, client, who):
    log_in_directly(client, app, who)
    assert client.get("/warnings").status_code == 403
    assert client.get("/projects/1/warnings").status_code == 403
    assert 'href="/warnings"' not in client.get("/inbox").text


def test_the_gc_manager_sees_every_unit_and_the_project_a_sub_manager_his_unit(app, client):
    from domain.clock import today_in_shanghai
    from domain.roster.model import LabourContract

    soon = today_in_shanghai() + timedelta(days=10)
    change(
        app,
        update(LabourContract).where(LabourContract.starts_on <= soon).values(effective_until=soon),
    )  # every contract in force ends in 10 days
    gc = found_for(app, "gc_pm")
    assert {"no_settlement_day"} <= {w.kind for w in gc}  # the demo sets no settlement day
    assert {w.unit_id for w in gc if w.kind == "contract_expiring"} == {1, 2, 3}
    sub = found_for(app, "suba_pm")
    assert sub and {w.unit_id for w in sub} == {2}
    assert not any(w.kind == "no_settlement_day" for w in sub)
    log_in_directly(client, app, "suba_pm")
    page = client.get("/warnings").text
    assert "未设置月工资结算日期" not in page and "上海恒固劳务有限公司" in page
    log_in_directly(client, app, "gc_pm")
    page = client.get("/warnings").text
    assert "未设置月工资结算日期" in page and 'href="/warnings"' in page  # 预警 in the menu


def test_every_warning_links_to_a_page_that_opens(payroll_app, client):
    app = payroll_app
    change(app, update(Project).values(signin_lat=None, signin_lng=None))
    change(app, update(Authorisation).values(revoked_at=Authorisation.granted_at))
    batch_with_table(app, client)
    log_in_directly(client, app, "gc_pm")
    page = client.get("/projects/1/warnings").text
    for kind in ("no_signin_point", "no_settlement_day", "no_officer"):
        assert f'data-kind="{kind}"' in page or kind == "no_settlement_day"
    links = set(re.findall(r'href="([^"]+)" class="warn-act"', page))
    assert len(links) >= 3
    for link in links:
        assert client.get(link, follow_redirects=True).status_code == 200, link


def test_a_dispute_warns_the_managers_of_its_unit(payroll_app, client):
    app = payroll_app
    from domain.model import User
    from web.extensions import db

    comp = batch_with_table(app, client)
    with app.app_context():
        line = db.session.scalar(select(WageLineRow).where(WageLineRow.compilation_id == comp)
                                 .order_by(WageLineRow.id))  # fmt: skip
        worker = db.session.scalar(select(User.username).where(User.person_id == line.person_id))
        line_id = line.id
    log_in_directly(client, app, worker)
    ok(client.post(f"/my/wages/{line_id}", data={"decision": "dispute", "comment": "少算"}))
    for who, sees in (("gc_pm", True), ("suba_pm", True), ("subb_pm", False)):
        disputes = [w for w in found_for(app, who) if w.kind == "open_dispute"]
        assert bool(disputes) is sees, who
    log_in_directly(client, app, "suba_op")
    ok(client.post(f"{P}/lines/{line_id}/resolve", data={"resolution": "已核实"}))
    assert not [w for w in found_for(app, "gc_pm") if w.kind == "open_dispute"]


def test_tables_not_submitted_follow_the_setting(payroll_app, client):
    app = payroll_app
    comp = batch_with_table(app, client)
    app.config["ZHUXIN_WARN_SUBMIT_DAYS"] = 400
    late = [w for w in found_for(app, "gc_pm") if w.kind == "table_not_submitted"]
    assert {w.object for w in late} >= {f"compilation:{comp}"} and len(late) == 3
    assert [w.unit_id for w in found_for(app, "subb_pm") if w.kind == "table_not_submitted"] == [3]
    app.config["ZHUXIN_WARN_SUBMIT_DAYS"] = -400
    assert not [w for w in found_for(app, "gc_pm") if w.kind == "table_not_submitted"]


def test_the_project_page_shows_the_counts_to_managers_only(app, client):
    log_in_directly(client, app, "gc_pm")
    page = client.get("/projects/1").text
    assert 'id="home-warnings"' in page and 'href="/projects/1/warnings"' in page
    assert re.search(r"紧急 [1-9]", page)
    log_in_directly(client, app, "gc_op")
    assert 'id="home-warnings"' not in client.get("/projects/1").text


def test_the_warnings_page_in_english(app, client):
    log_in_directly(client, app, "gc_pm")
    page = client.get("/warnings?lang=en").text
    assert "Warnings" in page and "has no monthly settlement day" in page and "Act" in page
    assert "未设置月工资结算日期" not in page
