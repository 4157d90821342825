"""The wage table (编制详情): the live checks handed to wage_table.js, 按工种日工资填充 and
复制上月日工资 (server-side, audited), the difference to last month, and 批量审核通过 on the
batch page (each table alone, refusals per unit)."""

import html
import json
from decimal import Decimal

from sqlalchemy import select

from domain.model import AuditEntry, User
from domain.payroll.batches import month_choices
from domain.payroll.lines import LIVE_CHECKS
from domain.payroll.model import Compilation, TradeRate, WageBatch, WageLineRow
from tests.web.payroll_helpers import confirm_lines
from tests.web.test_payroll_flow import as_user
from web.extensions import db

BASE = "/projects/1/payroll"


def post(client, url, data=None):
    r = client.post(url, data=data or {})
    assert r.status_code == 302, r.text[:800]
    return r


def new_batch(app, client, auth) -> int:
    as_user(client, auth, "gc_pm")
    post(client, f"{BASE}/settlement", {"day": "25"})
    month = month_choices(type("P", (), {"settlement_day": 25})())[0][0]
    post(client, f"{BASE}/batches", {"month": month})
    with app.app_context():
        return db.session.scalar(select(WageBatch.id).order_by(WageBatch.id.desc()))


def table_of(app, batch_id, unit_id) -> int:
    with app.app_context():
        return db.session.scalar(select(Compilation.id).where(
            Compilation.batch_id == batch_id, Compilation.unit_id == unit_id))  # fmt: skip


def compiled(app, client, auth, batch_id, who="suba_op", unit=2) -> int:
    as_user(client, auth, who)
    comp_id = table_of(app, batch_id, unit)
    post(client, f"{BASE}/compilations/new", {"compilation_id": comp_id})
    return comp_id


def lines(app, comp_id) -> list[WageLineRow]:
    with app.app_context():
        rows = list(db.session.scalars(select(WageLineRow).where(
            WageLineRow.compilation_id == comp_id).order_by(WageLineRow.id)))  # fmt: skip
        db.session.expunge_all()
        return rows


def messages(page: str) -> dict:
    start = page.index("data-messages='") + len("data-messages='")
    return json.loads(html.unescape(page[start : page.index("'", start)]))


def test_the_page_hands_the_live_checks_to_the_script(payroll_app, client, auth):
    comp_id = compiled(payroll_app, client, auth, new_batch(payroll_app, client, auth))
    page = client.get(f"{BASE}/compilations/{comp_id}").text
    assert "wage_table.js" in page and 'id="wage-table"' in page and 'data-editable="1"' in page
    assert messages(page) == {code: text.zh for code, text in LIVE_CHECKS.items()}
    assert page.count('class="col-name"') >= 2 and page.count('class="col-net"') >= 2
    assert 'id="fill-trade-rates"' in page and 'id="copy-last-month"' in page
    en = client.get(f"{BASE}/compilations/{comp_id}?lang=en").text
    assert messages(en)["NET_ABOVE_GROSS"] == "Net pay {net} is more than gross pay {gross}"


def test_trade_rates_fill_every_line_and_keep_a_typed_gross(payroll_app, client, auth):
    app = payroll_app
    comp_id = compiled(app, client, auth, new_batch(app, client, auth))
    first, second, *_ = lines(app, comp_id)
    with app.app_context():
        for trade in {first.trade, second.trade}:
            db.session.add(TradeRate(project_id=1, trade=trade, day_rate=Decimal("432.10")))
        db.session.commit()
    typed = {f"l-{second.id}-gross": "9999.00", f"l-{second.id}-net": "9999.00"}
    post(client, f"{BASE}/compilations/{comp_id}/fill-rates", {"source": "trade_rates", **typed})
    now = {r.id: r for r in lines(app, comp_id)}
    days = first.days + first.makeup_days
    assert now[first.id].day_rate == Decimal("432.10")
    assert now[first.id].gross == Decimal("432.10") * days
    assert now[first.id].net == now[first.id].gross - now[first.id].deductions
    assert (now[second.id].day_rate, now[second.id].gross) == (
        Decimal("432.10"),
        Decimal("9999.00"),
    )
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(
            AuditEntry.action == "payroll.day_rates_filled"))  # fmt: skip
        op = db.session.scalar(select(User.id).where(User.username == "suba_op"))
        assert entry.actor_user_id == op and entry.project_id == 1
        assert '"trade_rates"' in entry.after and str(first.id) in entry.after
    page = client.get(f"{BASE}/compilations/{comp_id}").text
    assert "已按工种日工资填充" in page


def test_last_months_rate_is_copied_per_worker_and_the_difference_shown(payroll_app, client, auth):
    app = payroll_app
    batch_id = new_batch(app, client, auth)
    comp_id = compiled(app, client, auth, batch_id)
    first, second, *_ = lines(app, comp_id)
    with app.app_context():  # a line of the month before for the first worker only
        batch = db.session.get(WageBatch, batch_id)
        y, m = map(int, batch.pay_month.split("-"))
        before = f"{y - (m == 1):04d}-{(m - 2) % 12 + 1:02d}"
        old = WageBatch(batch_no=f"OLD-{before}", project_id=1, pay_month=before, sequence=1,
                        period_start=batch.period_start, period_end=batch.period_start,
                        state="paid")  # fmt: skip
        db.session.add(old)
        db.session.flush()
        old_comp = Compilation(batch_id=old.id, unit_id=2, state="approved")
        db.session.add(old_comp)
        db.session.flush()
        db.session.add(WageLineRow(
            compilation_id=old_comp.id, batch_id=old.id, person_id=first.person_id, project_id=1,
            pay_month=before, worker_name=first.worker_name, id_number=first.id_number,
            trade=first.trade, days=3, makeup_days=0, day_rate=Decimal("388.00"),
            gross=Decimal("1164.00"), deductions=Decimal("0.00"), net=Decimal("1164.00")))  # fmt: skip
        db.session.commit()
    post(client, f"{BASE}/compilations/{comp_id}/fill-rates", {"source": "last_month"})
    now = {r.id: r for r in lines(app, comp_id)}
    assert now[first.id].day_rate == Decimal("388.00")
    assert now[first.id].gross == Decimal("388.00") * (first.days + first.makeup_days)
    assert now[second.id].day_rate == second.day_rate  # no month before: left as it was
    page = client.get(f"{BASE}/compilations/{comp_id}").text
    assert "已复制上月日工资 1 人" in page and 'id="month-diff"' in page
    diff = page[page.index(f'id="diff-{first.id}"') :]
    diff = diff[: diff.index("</tr>")]
    assert 'class="changed"' in diff and "上月 3" in diff and "1164.00" in diff
    assert "上月无" in page[page.index(f'id="diff-{second.id}"') :][:400]
    bad = client.post(f"{BASE}/compilations/{comp_id}/fill-rates", data={"source": "mars"})
    assert bad.status_code == 400 and "日工资来源不正确" in bad.text


def test_bulk_approval_checks_each_table_and_reports_refusals_per_unit(payroll_app, client, auth):
    app = payroll_app
    batch_id = new_batch(app, client, auth)
    comps = {}
    for who, unit in (("gc_op", 1), ("suba_op", 2), ("subb_op", 3)):
        comps[unit] = compiled(app, client, auth, batch_id, who, unit)
        confirm_lines(app, comps[unit])
        post(client, f"{BASE}/compilations/{comps[unit]}/submit")
    as_user(client, auth, "suba_pm")
    page = client.get(f"{BASE}/batches/{batch_id}").text
    assert f'name="compilation_id" value="{comps[2]}"' in page
    assert f'value="{comps[3]}"' not in page  # not his unit
    post(client, f"{BASE}/batches/{batch_id}/approve-units", {"compilation_id": [comps[2]]})
    as_user(client, auth, "gc_pm")
    page = client.get(f"{BASE}/batches/{batch_id}").text
    assert 'data-check-all="compilation_id"' in page and 'id="approve-checked"' in page
    r = client.post(f"{BASE}/batches/{batch_id}/approve-units",
                    data={"compilation_id": [comps[1], comps[2], comps[3], "999999"]},
                    follow_redirects=True)  # fmt: skip
    with app.app_context():
        states = {u: db.session.get(Compilation, c).state for u, c in comps.items()}
    assert states == {1: "approved", 2: "approved", 3: "submitted"}  # 3 awaits its sub review
    assert "：已审核通过" in r.text and r.text.count("：已审核通过") == 2
    assert "：未通过审核（流程当前不在这一步，或您无权办理）" in r.text
    assert "#999999：未通过审核" in r.text
    none = client.post(f"{BASE}/batches/{batch_id}/approve-units", data={})
    assert none.status_code == 400 and "请勾选要审核通过的编制记录" in none.text
