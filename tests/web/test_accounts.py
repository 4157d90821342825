"""Every registered worker can log in (首次登录/激活), and his photo on the officer's scan:
registration opens the account and shows the code once, activation through the page, a new code
from the roster, the photo rules and who may see it, in Chinese and English."""

import io
import re

from PIL import Image
from sqlalchemy import func, select

from domain.model import ActivationCode, Assignment, AuditEntry, Person, PersonPhoto, User
from domain.passwords import UNUSABLE
from tests.web.photo_helpers import jpeg
from tests.web.photo_helpers import register as register_with_photo
from tests.web.test_bad_input import GOOD
from tests.web.test_signin_pages import a_code, login

NEW_PASSWORD = "anquan2026"


def register(client, form=None, **kw):
    return register_with_photo(client, form or GOOD, **kw)


def shown_code(page: str) -> str:
    return re.search(r'data-code="(\d{8})"', page).group(1)


def test_registration_opens_the_account_and_shows_the_code_once(client, auth, session):
    auth.login("suba_op")
    r = register(client)
    assert r.status_code == 200 and "工人账号激活码" in r.text
    assert r.headers["Cache-Control"] == "no-store, private"
    code = shown_code(r.text)
    assert GOOD["phone"] in r.text and "已登记 测试工人，待接收" in r.text
    user = session.scalar(select(User).where(User.phone_is(GOOD["phone"])))
    person = session.scalar(select(Person).where(Person.id_number_is(GOOD["id_number"])))
    assert user.username == f"worker-{person.id}" and user.person_id == person.id  # not the phone
    assert user.password_hash == UNUSABLE
    row = session.scalar(select(ActivationCode).where(ActivationCode.user_id == user.id))
    assert code not in row.code_hash and (row.expires_at - row.issued_at).days == 7
    log = " ".join(e.after or "" for e in session.scalars(select(AuditEntry)))
    assert code not in log and row.code_hash not in log
    actions = set(session.scalars(select(AuditEntry.action)))
    assert {"account.open", "account.code_issued", "person.photo"} <= actions
    photo = session.scalar(select(PersonPhoto).where(PersonPhoto.person_id == person.id))
    assert photo.sha256 in log and max(photo.width, photo.height) == 480
    assert client.get("/projects/1/acceptance").text.count(code) == 0  # once only


def test_a_photo_is_required_for_a_new_person_and_the_form_is_kept(client, auth, session):
    auth.login("suba_op")
    r = client.post("/projects/1/workers/new", data=GOOD)
    assert r.status_code == 400 and "请拍摄或上传工人照片" in r.text
    assert f'value="{GOOD["phone"]}"' in r.text and 'name="photo"' in r.text
    r = register(client, data=b"%PDF-1.4 not an image", name="x.pdf")
    assert r.status_code == 400 and "无法识别该文件为图片" in r.text
    assert f'value="{GOOD["id_number"]}"' in r.text
    r = client.post("/projects/1/workers/new?lang=en", data=GOOD)
    assert r.status_code == 400 and "Take or upload the worker&#39;s photo" in r.text
    assert session.scalar(select(Person).where(Person.id_number_is(GOOD["id_number"]))) is None
    assert session.scalar(select(User).where(User.phone_is(GOOD["phone"]))) is None


def test_a_huge_file_is_refused_with_its_size(client, auth):
    auth.login("suba_op")
    r = register(client, data=b"\xff\xd8" + b"0" * (11 * 1024 * 1024))
    assert r.status_code == 400 and "照片文件过大" in r.text and "10 MB" in r.text


def test_a_phone_of_another_account_is_a_conflict_on_the_phone_field(client, auth, session):
    auth.login("gc_op")
    before = session.scalar(select(func.count()).select_from(Person))
    r = register(client, {**GOOD, "phone": "13800000003"})  # 张卫东's login
    assert r.status_code == 409 and "手机号 13800000003 已被其他账号使用" in r.text
    assert 'name="phone" type="tel" value="13800000003" maxlength=11 aria-invalid' in r.text
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Person)) == before


def test_activation_sets_the_password_and_logs_in(client, auth, session):
    auth.login("suba_op")
    code = shown_code(register(client).text)
    auth.logout()
    assert "首次登录/激活" in client.get("/login").text
    form = {"phone": GOOD["phone"], "code": code, "password": NEW_PASSWORD,
            "password_again": NEW_PASSWORD}  # fmt: skip
    r = client.post("/activate", data={**form, "password_again": "anquan2027"})
    assert r.status_code == 400 and "两次输入的密码不一致" in r.text
    r = client.post("/activate", data={**form, "password": "12345678", "password_again": "12345678"})
    assert r.status_code == 400 and "须同时含有字母和数字" in r.text
    r = client.post("/activate", data=form)
    assert r.status_code == 302 and r.location.endswith("/")
    home = client.get("/").text
    assert "您好，测试工人" in home and "待项目接收后即可班前签到" in home
    auth.logout()
    again = client.post("/activate", data=form)  # used once
    assert again.status_code == 400 and "激活码不正确" in again.text
    assert auth.login(GOOD["phone"], NEW_PASSWORD).status_code == 302


def test_wrong_codes_are_counted_and_void_the_code(client, auth, session):
    auth.login("suba_op")
    code = shown_code(register(client).text)
    auth.logout()
    wrong = "00000000" if code != "00000000" else "11111111"
    form = {"phone": GOOD["phone"], "code": wrong, "password": NEW_PASSWORD,
            "password_again": NEW_PASSWORD}  # fmt: skip
    for _ in range(4):
        assert "激活码不正确" in client.post("/activate", data=form).text
    r = client.post("/activate?lang=en", data=form)
    assert r.status_code == 400 and "Too many wrong tries: the code is void" in r.text
    r = client.post("/activate", data={**form, "code": code})  # even the right one now
    assert r.status_code == 400
    session.expire_all()
    row = session.scalar(select(ActivationCode))
    assert row.tries == 5 and row.voided_at is not None and row.used_at is None


def test_a_new_code_from_the_roster_voids_the_old_one(client, auth, session):
    auth.login("suba_op")
    first = shown_code(register(client).text)
    a = session.scalar(select(Assignment).join(Person).where(Person.phone_is(GOOD["phone"])))
    page = client.get(f"/projects/1/assignments/{a.id}/account").text
    assert "待激活" in page and "发放新激活码" in page and "photo.jpg" in page
    r = client.post(f"/projects/1/assignments/{a.id}/activation-code")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store, private"
    second = shown_code(r.text)
    assert session.scalar(select(func.count()).where(AuditEntry.action == "account.code_issued")) == 2
    auth.logout()
    form = {"phone": GOOD["phone"], "password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    if first != second:
        assert client.post("/activate", data={**form, "code": first}).status_code == 400
    assert client.post("/activate", data={**form, "code": second}).status_code == 302


def test_an_active_account_gets_no_new_code_and_other_units_none_at_all(client, auth):
    auth.login("suba_op")
    r = client.post("/projects/1/assignments/20/activation-code")  # demo worker: has a password
    assert r.status_code == 409 and "账号已激活，请用密码登录" in r.text
    assert client.post("/projects/1/assignments/45/activation-code").status_code == 403  # unit 3


def test_an_old_person_without_an_account_gets_one_from_the_roster(client, auth, session):
    user = session.scalar(select(User).where(User.person_id == 20))
    session.delete(user)
    session.commit()
    auth.login("suba_op")
    assert "尚无账号" in client.get("/projects/1/assignments/20/account").text
    r = client.post("/projects/1/assignments/20/activation-code")
    assert r.status_code == 200 and shown_code(r.text)
    assert session.scalar(select(User).where(User.person_id == 20)).password_hash == UNUSABLE


def test_the_photo_is_replaced_from_the_roster_and_bad_files_refused(client, auth, session):
    auth.login("suba_op")
    url = "/projects/1/assignments/20/photo"
    before = session.scalar(select(PersonPhoto.sha256).where(PersonPhoto.person_id == 20))
    r = client.post(url, data={"photo": (io.BytesIO(b"GIF89a nonsense"), "x.gif")},
                    headers={"Referer": "http://localhost/projects/1/assignments/20/account"})  # fmt: skip
    assert r.status_code == 400 and "无法识别该文件为图片" in r.text
    r = client.post(url, data={"photo": (io.BytesIO(jpeg((600, 800), exif_orientation=6)), "p.jpg")})
    assert r.status_code == 302
    session.expire_all()
    row = session.scalar(select(PersonPhoto).where(PersonPhoto.person_id == 20))
    assert row.sha256 != before and (row.width, row.height) == (480, 360)  # turned upright
    stored = Image.open(io.BytesIO(row.jpeg))
    assert stored.format == "JPEG" and not stored.getexif()
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "person.photo"))
    assert row.sha256 in entry.after and before in entry.before and "jpeg" not in entry.after


def test_the_photo_is_served_only_to_who_may_see_the_worker(app):
    url = "/projects/1/people/20/photo.jpg"  # unit 2 (subcontractor A), accepted
    for who in ("gc_pm", "suba_op", "gc_ent", "officer"):
        r = login(app, who).get(url)
        assert r.status_code == 200 and r.mimetype == "image/jpeg", who
        assert r.headers["Cache-Control"] == "no-store, private"
    for who in ("subb_op", "worker", "admin"):
        assert login(app, who).get(url).status_code == 403, who
    assert login(app, "officer").get("/projects/1/people/58/photo.jpg").status_code == 403  # not accepted
    assert login(app, "gc_pm").get("/projects/1/people/999/photo.jpg").status_code == 403


def test_the_officers_scan_answer_links_the_photo_or_says_none(app, session, open_all_day):
    lat, lng = open_all_day
    client = login(app, "officer")
    url = "/api/signin/projects/1/officer-scan"
    ok = client.post(url, json={"code": a_code(app, 2), "lat": lat, "lng": lng}).json
    assert ok["ok"] and ok["photo_url"] == "/projects/1/people/2/photo.jpg"
    assert client.get(ok["photo_url"]).status_code == 200
    again = client.post(url, json={"code": a_code(app, 2), "lat": lat, "lng": lng}).json
    assert again["reason"] == "already_signed" and again["photo_url"] == ok["photo_url"]
    session.execute(PersonPhoto.__table__.delete().where(PersonPhoto.person_id == 3))
    session.commit()
    none = client.post(url, json={"code": a_code(app, 3), "lat": lat, "lng": lng}).json
    assert none["ok"] and none["photo_url"] is None
    page = client.get("/signin/officer/projects/1").text
    assert "无照片存档" in page


def test_demo_workers_have_photos(session):
    people = session.scalar(select(func.count()).select_from(Person))
    assert session.scalar(select(func.count()).select_from(PersonPhoto)) == people
