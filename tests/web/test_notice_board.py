"""维权信息告示牌: the GC manager edits it, every viewer of the project prints it (A3 PDF)."""

import io
import json

from pypdf import PdfReader
from sqlalchemy import select

VALID = {
    "client_name": "上海徐汇滨江开发建设有限公司",
    "office_address": "龙腾大道 2888 号项目部",
    "office_phone": "021-64381234",
    "wage_officer_name": "王劳资",
    "wage_officer_phone": "13912345678",
    "regulator_name": "上海市住房和城乡建设管理委员会",
    "regulator_phone": "12345",
    "inspection_name": "徐汇区劳动保障监察大队",
    "inspection_phone": "12333",
    "arbitration_name": "徐汇区劳动人事争议仲裁委员会",
    "arbitration_phone": "12333",
    "legal_aid_name": "徐汇区法律援助中心",
    "legal_aid_phone": "12348",
    "extra_text": "本项目工资按月足额支付",
}
URL = "/projects/1/notice-board"


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    return "".join(p.extract_text() for p in reader.pages).replace(" ", "")


def test_the_form_is_prefilled_with_shanghai_channels(client, auth):
    auth.login("gc_pm")
    page = client.get(URL).text
    assert "12333" in page and "12348" in page and "上海市人力资源和社会保障局" in page
    assert 'href="/projects/1/notice-board.pdf"' in page


def test_the_gc_manager_saves_with_an_audit_entry_and_the_pdf_shows_it(app, client, auth):
    from domain.model import AuditEntry, NoticeBoard
    from web.extensions import db

    auth.login("gc_pm")
    r = client.post(URL, data=VALID)
    assert r.status_code == 302
    assert client.post(URL, data={**VALID, "wage_officer_name": "李专管"}).status_code == 302
    with app.app_context():
        boards = db.session.scalars(select(NoticeBoard)).all()
        assert [(b.project_id, b.wage_officer_name) for b in boards] == [(1, "李专管")]
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "notice_board.saved")
        ).all()
        assert len(entries) == 2 and entries[0].project_id == 1
        assert json.loads(entries[1].before)["wage_officer_name"] == "王劳资"
    r = client.get(URL + ".pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    text = pdf_text(r.data)
    for item in ["李专管", "13912345678", VALID["client_name"], VALID["inspection_name"],
                 "12333", "12348", "最低工资", "工资支付日", "http://localhost/login"]:  # fmt: skip
        assert item.replace(" ", "") in text, item


def test_bad_input_is_refused_in_chinese_with_the_input_kept(app, client, auth):
    from domain.model import NoticeBoard
    from web.extensions import db

    auth.login("gc_pm")
    headers = {"Referer": "http://localhost" + URL}
    r = client.post(URL, data={**VALID, "office_phone": "电话 abc"}, headers=headers)
    assert r.status_code == 400
    assert "【项目部电话】不是有效的电话号码" in r.text
    assert 'value="电话 abc"' in r.text and VALID["client_name"] in r.text
    r = client.post(URL, data={**VALID, "client_name": "长" * 201}, headers=headers)
    assert r.status_code == 400 and "【建设单位】最多 200 个字" in r.text
    r = client.post(URL, data={**VALID, "wage_officer_name": ""}, headers=headers)
    assert r.status_code == 400 and "【劳资专管员】不能为空" in r.text
    with app.app_context():
        assert db.session.scalars(select(NoticeBoard)).all() == []


def test_english_refusal(client, auth):
    auth.login("gc_pm")
    client.get("/lang/en")
    r = client.post(URL, data={**VALID, "legal_aid_phone": "12"},
                    headers={"Referer": "http://localhost" + URL})  # fmt: skip
    assert r.status_code == 400 and "Legal aid phone is not a phone number" in r.text
    assert "Rights notice board" in r.text


def test_only_the_gc_manager_edits_and_every_viewer_prints(client, auth):
    for who in ("gc_op", "suba_pm", "subb_op", "gc_ent"):
        auth.login(who)
        assert client.get(URL).status_code == 403, who
        assert client.post(URL, data=VALID).status_code == 403, who
        assert client.get(URL + ".pdf").status_code == 200, who
        assert 'href="/projects/1/notice-board.pdf"' in client.get("/projects/1").text
        assert 'href="/projects/1/notice-board"' not in client.get("/projects/1").text
        auth.logout()
    auth.login("w001")
    assert client.get(URL + ".pdf").status_code == 403
    auth.login("gc_pm")
    assert 'href="/projects/1/notice-board"' in client.get("/projects/1").text


def test_the_domain_refuses_a_non_manager(app):
    import pytest

    from domain.access import Actor, Grant
    from domain.errors import AccessDenied
    from domain.notice_board import save_board
    from web.extensions import db

    actor = Actor(99, "x", grants=(Grant("gc_operator", 1),))
    with app.app_context(), pytest.raises(AccessDenied):
        save_board(db.session, actor, 1, VALID)


def test_fields_not_sent_keep_their_value(app, client, auth):
    from domain.model import NoticeBoard
    from web.extensions import db

    auth.login("gc_pm")
    required = {k: VALID[k] for k in ("client_name", "wage_officer_name", "wage_officer_phone")}
    assert client.post(URL, data=required).status_code == 302
    with app.app_context():
        board = db.session.scalar(select(NoticeBoard))
        assert (board.legal_aid_phone, board.inspection_phone) == ("12348", "12333")
