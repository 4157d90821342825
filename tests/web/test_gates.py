"""Age and ID gates through the pages and the API: registration, acceptance, sign-in, compile."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from domain import gates
from domain.checks import resident_id_check_char
from domain.clock import today_in_shanghai
from domain.model import Assignment, Person
from domain.signin.tokens import issue_code
from tests.web.test_bad_input import GOOD, register
from tests.web.test_signin_pages import OFFICER, login


def years_ago(years: int, days: int = 0) -> date:
    today = today_in_shanghai()
    return today.replace(year=today.year - years) - timedelta(days=days)


def an_id(born: date, male: bool, seq: int = 0) -> str:
    first17 = f"310104{born:%Y%m%d}{seq:02d}{1 if male else 2}"
    return first17 + resident_id_check_char(first17)


def test_demo_workers_are_all_allowed_on_site(session):
    today = today_in_shanghai()
    people = session.scalars(select(Person)).all()
    assert people and all(gates.site_refusal(p.id_number, today) is None for p in people)
    assert all(p.trade in gates.TRADE_BY_NAME for p in people)
    assert {p.id_valid_until for p in people} >= {gates.LONG_TERM, date(2025, 3, 31)}


def test_registration_refuses_a_minor_in_chinese_and_english(client, auth, session):
    auth.login("suba_op")
    minor = {**GOOD, "id_number": an_id(years_ago(17), True)}
    r = client.post("/projects/1/workers/new", data=minor)
    assert r.status_code == 400 and "测试工人未满 18 周岁（17 岁），不得进场作业" in r.text
    assert f'value="{minor["id_number"]}"' in r.text  # the input is kept
    r = client.post("/projects/1/workers/new?lang=en", data=minor)
    assert r.status_code == 400 and "is under 18 (17) and may not work on site" in r.text
    assert session.scalar(select(Person).where(Person.id_number_is(minor["id_number"]))) is None


def test_registration_refuses_men_over_60_and_women_over_50(client, auth):
    auth.login("suba_op")
    man = {**GOOD, "id_number": an_id(years_ago(61), True)}
    r = client.post("/projects/1/workers/new", data=man)
    assert r.status_code == 400 and "已超过男性上岗年龄 60 周岁（61 岁）" in r.text
    woman = {**GOOD, "id_number": an_id(years_ago(51), False)}
    r = client.post("/projects/1/workers/new?lang=en", data=woman)
    assert r.status_code == 400 and "over the site age limit of 50 for women (51)" in r.text
    ok = {**GOOD, "id_number": an_id(years_ago(50), False), "id_valid_until": "长期"}
    assert register(client, ok).status_code == 200


def test_registration_flags_an_older_worker_in_a_high_risk_trade(client, auth, session):
    auth.login("suba_op")
    form = {**GOOD, "id_number": an_id(years_ago(57), True), "trade": "030"}  # 架子工 by code
    r = register(client, form)
    assert r.status_code == 200 and "57 岁，超过男性从事高处作业的年龄 55 周岁" in r.text
    person = session.scalar(select(Person).where(Person.id_number_is(form["id_number"])))
    assert person.trade == "架子工" and person.id_valid_until == date(2035, 6, 30)


def test_registration_picks_the_trade_from_the_table_and_asks_for_the_validity(client, auth):
    auth.login("suba_op")
    page = client.get("/projects/1/workers/new").text
    assert '<option value="架子工"' in page and "030 架子工（高风险：高处作业）" in page
    assert 'name="id_valid_until"' in page
    r = client.post("/projects/1/workers/new", data={**GOOD, "trade": "码农"})
    assert r.status_code == 400 and "请从工种列表中选择工种" in r.text
    r = client.post("/projects/1/workers/new", data={**GOOD, "id_valid_until": ""})
    assert r.status_code == 400 and "请填写身份证有效期至" in r.text
    r = client.post("/projects/1/workers/new?lang=en", data={**GOOD, "id_valid_until": "x"})
    assert r.status_code == 400 and "ID valid until: a date" in r.text


def test_acceptance_refuses_an_over_age_worker_and_accepts_nobody(client, auth, session):
    a = session.get(Assignment, 12)
    assert a.state == "assigned"
    a.person.id_number = an_id(years_ago(52), False, seq=77)
    session.commit()
    auth.login("gc_pm")
    r = client.post("/projects/1/acceptance/accept", data={"ids": ["12", "13"]})
    assert r.status_code == 409 and "已超过女性上岗年龄 50 周岁（52 岁）" in r.text
    r = client.post("/projects/1/acceptance/accept?lang=en", data={"ids": ["12"]})
    assert "over the site age limit of 50 for women (52)" in r.text
    session.expire_all()
    assert {session.get(Assignment, i).state for i in (12, 13)} == {"assigned"}
    page = client.get("/projects/1/acceptance").text  # the row says so before anyone tries
    assert "不得进场作业" in page


def test_acceptance_page_flags_expired_and_expiring_ids(client, auth, session):
    today = today_in_shanghai()
    session.get(Person, 12).id_valid_until = today - timedelta(days=1)
    session.get(Person, 13).id_valid_until = today + timedelta(days=30)
    session.get(Person, 14).id_valid_until = gates.LONG_TERM
    session.commit()
    auth.login("gc_pm")
    page = client.get("/projects/1/acceptance").text
    assert f"身份证已过期（有效期至 {today - timedelta(days=1)}）" in page
    assert f"身份证即将到期（有效期至 {today + timedelta(days=30)}）" in page
    assert "长期" in page
    en = client.get("/projects/1/acceptance?lang=en").text
    assert "ID card expired" in en and "ID card expires soon" in en and "long-term" in en
    rows = client.get("/api/projects/1/assignments").json["assignments"]
    flags = {r["id"]: [f["reason"] for f in r["flags"]] for r in rows}
    assert flags[12] == ["id_expired"] and flags[13] == ["id_expiring"] and flags[14] == []


def _code(app, person_id):
    from web.signin.common import code_keys

    with app.app_context():
        return issue_code(code_keys().private_key, person_id, datetime.now(UTC))


def _make_old(app, person_id: int, years: int, male: bool = True):
    from web.extensions import db

    with app.app_context():
        db.session.get(Person, person_id).id_number = an_id(years_ago(years), male, seq=88)
        db.session.commit()


def test_officer_scan_refuses_an_over_age_worker(app, open_all_day):
    from domain.signin.model import Attendance
    from web.extensions import db

    lat, lng = open_all_day
    _make_old(app, 2, 61)
    client = login(app, "officer")
    url = "/api/signin/projects/1/officer-scan"
    r = client.post(url, json={"code": _code(app, 2), "lat": lat, "lng": lng})
    assert r.status_code == 422 and r.json["reason"] == "over_age"
    assert "已超过男性上岗年龄 60 周岁（61 岁），不得进场作业" in r.json["message"]
    assert r.json["person_name"]
    r = client.post(url + "?lang=en", json={"code": _code(app, 2), "lat": lat, "lng": lng})
    assert "over the site age limit of 60 for men (61)" in r.json["message"]
    with app.app_context():
        day = today_in_shanghai()
        assert (
            db.session.scalar(
                select(Attendance.id).where(Attendance.person_id == 2, Attendance.day == day)
            )
            is None
        )


def test_worker_scan_refuses_a_minor(app, open_all_day):
    lat, lng = open_all_day
    _make_old(app, 1, 17)  # the demo worker w001 (person 1)
    client = login(app, "worker")
    body = {"code": _code(app, OFFICER), "lat": lat, "lng": lng}
    r = client.post("/api/signin/worker-scan", json=body)
    assert r.status_code == 422 and r.json["reason"] == "under_age"
    assert "未满 18 周岁（17 岁）" in r.json["message"]
    r = client.post("/api/signin/worker-scan?lang=en", json=body)
    assert "is under 18 (17)" in r.json["message"]


def test_compile_leaves_out_an_over_age_worker_with_the_reason(app, client, auth):
    from domain.payroll.model import Compilation, WageBatch
    from domain.signin.model import Attendance
    from web.extensions import db

    auth.login("gc_pm")
    assert client.post("/projects/1/payroll/settlement", data={"day": "25"}).status_code == 302
    month = (today_in_shanghai().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    assert client.post("/projects/1/payroll/batches", data={"month": month}).status_code == 302
    with app.app_context():
        batch = db.session.scalars(select(WageBatch).order_by(WageBatch.id.desc())).first()
        comp_id = db.session.scalar(
            select(Compilation.id).where(Compilation.batch_id == batch.id,
                                         Compilation.unit_id == 1))  # fmt: skip
        signed = db.session.scalars(select(Attendance.person_id).where(
            Attendance.unit_id == 1, Attendance.day >= batch.period_start,
            Attendance.day <= batch.period_end).distinct()).all()  # fmt: skip
    assert len(signed) >= 2
    old = signed[0]
    _make_old(app, old, 62)
    auth.logout()
    auth.login("gc_op")
    r = client.post("/projects/1/payroll/compilations/new", data={"compilation_id": comp_id},
                    follow_redirects=True)  # fmt: skip
    # aged at the period's end (before today's birthday year): 61
    assert (
        r.status_code == 200 and "未列入编制：" in r.text and "上岗年龄 60 周岁（61 岁）" in r.text
    )
    with app.app_context():
        comp = db.session.get(Compilation, comp_id)
        people = {line.person_id for line in comp.lines}
    assert old not in people and set(signed) - {old} <= people
    r = client.post("/projects/1/payroll/compilations/new?lang=en",
                    data={"compilation_id": comp_id}, follow_redirects=True)  # fmt: skip
    assert "over the site age limit of 60 for men (61)" in r.text


def test_a_make_up_request_of_a_minor_is_refused(app):
    from domain.signin.model import MakeupRequest
    from web.extensions import db

    _make_old(app, 1, 17)
    client = login(app, "worker")
    day = (today_in_shanghai() - timedelta(days=60)).isoformat()
    form = {"project_id": 1, "day": day, "reason": "手机没电"}
    r = client.post("/signin/makeup", data=form)
    assert r.status_code == 409 and "未满 18 周岁" in r.text
    r = client.post("/signin/makeup?lang=en", data=form)
    assert "under 18" in r.text
    with app.app_context():
        assert db.session.scalar(select(MakeupRequest.id)) is None
