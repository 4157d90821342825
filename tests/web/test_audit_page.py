"""The readable 操作日志: who (name and role), what in words, which object (linked), when, a
field-by-field before/after with personal data masked; filters, pages, exports; the chain."""

import csv
import io

from openpyxl import load_workbook

from domain.audit_log import changes
from tests.login_helpers import log_in_directly


def _gc(app):
    client = app.test_client()
    log_in_directly(client, app, "gc_pm")
    return client


def test_changes_are_fields_with_personal_data_masked():
    rows = changes('{"id": 3, "state": "pending", "phone": "13812345678"}',
                   '{"id": 3, "state": "rejected", "phone": "13812345678", '
                   '"id_number": "11010519491231002X", "password_hash": "$argon2…"}')  # fmt: skip
    shown = {c.name: c.shown("zh") for c in rows}
    assert shown == {"state": ("待处理", "已退回"), "id_number": ("", "110105********002X"),
                     "password_hash": ("", "******")}  # fmt: skip


def test_page_shows_words_roles_links_and_a_change_table(app):
    client = _gc(app)
    client.post("/projects/1/acceptance/39/reject", data={"reason": "资料不全"})
    page = client.get("/projects/1/audit").text
    assert "拒绝人员" in page and "施工总包项目经理" in page and "资料不全" in page
    assert 'href="/projects/1/assignments/39/account"' in page  # the object, linked
    assert '<table class="changes">' in page and "状态" in page and '"state"' not in page
    assert "哈希链校验通过" in page and "第 1/" in page
    assert "11010519" not in page or "********" in page  # no full ID number on the page


def test_filters_and_paging_keep_the_query(app):
    client = _gc(app)
    client.post("/projects/1/acceptance/39/reject", data={"reason": "资料不全"})
    only = client.get("/projects/1/audit?kind=assignment.reject").text
    assert "拒绝人员" in only and "人员登记</td>" not in only
    none = client.get("/projects/1/audit?kind=assignment.reject&from=2001-01-01&to=2001-01-02")
    assert "暂无记录" in none.text
    bad = client.get("/projects/1/audit?from=2026-13-45&page=x&user_id=abc")
    assert (
        bad.status_code == 200 and "日期格式不正确" in bad.text and 'value="2026-13-45"' in bad.text
    )
    small = client.get("/projects/1/audit?size=20").text
    assert "第 1/" in small and ("size=20" in small or "共" in small)


def test_exports_hold_every_entry_of_the_filter(app):
    client = _gc(app)
    client.post("/projects/1/acceptance/39/reject", data={"reason": "资料不全"})
    total = int(client.get("/projects/1/audit?size=20").text.split("共 ")[1].split(" 条")[0])
    xlsx = client.get("/projects/1/audit.xlsx?page=2&size=20")
    rows = list(load_workbook(io.BytesIO(xlsx.data), read_only=True).active
                .iter_rows(min_row=3, values_only=True))  # fmt: skip
    assert len(rows) == total and any(r[4] == "拒绝人员" for r in rows)
    text = client.get("/projects/1/audit.csv?kind=assignment").data.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0][2] == "操作人" and all(line[5].startswith("assignment.") for line in lines[1:])


def test_audit_page_in_english(app):
    client = _gc(app)
    client.get("/lang/en")
    page = client.get("/projects/1/audit").text
    assert "Audit log" in page and "Worker registered" in page and "操作人" not in page
