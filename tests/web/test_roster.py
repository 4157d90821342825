"""Issue 10 items 1 and 2 through the pages and the API: 聘用登记 with the labour contract,
派工 to teams, 总包现场进退场登记, and their gates at acceptance, sign-in, make-up and compile;
teams with their leaders, filters by team, shared cards and phones, wages to the worker's own
card only."""

import io
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import func, select

from domain.clock import today_in_shanghai
from domain.model import Assignment, AuditEntry, Person
from domain.payroll.model import Compilation, WageBatch, WageLineRow
from domain.roster.model import EntryExit, LabourContract, LabourContractFile, Team
from domain.signin.model import Attendance, MakeupRequest
from tests.web.photo_helpers import register as with_photo
from tests.web.test_bad_input import GOOD, contract_upload
from tests.web.test_payroll_excel_rates import MONTH, as_user, compiled_gc_table, ok
from tests.web.test_signin_pages import OFFICER, a_code, login


def day(offset: int) -> str:
    """Today in Shanghai (asked each time: a long run may pass midnight) + ``offset`` days."""
    return (today_in_shanghai() + timedelta(days=offset)).isoformat()


def fresh(session):
    session.expire_all()
    return session


# -- 聘用登记: the contract at registration -----------------------------------------------


def test_registration_records_the_contract_and_its_document(client, auth, session):
    auth.login("suba_op")
    page = client.get("/projects/1/workers/new").text
    assert 'enctype="multipart/form-data"' in page and 'name="contract_file"' in page
    form = {**GOOD, "contract_kind": "per_task", "contract_task": "3 号楼钢筋绑扎",
            "contract_file": contract_upload(b"\xff\xd8\xff\xe0photo", "IMG_0001.HEIC")}  # fmt: skip
    assert with_photo(client, form).status_code == 200  # the activation code's page
    person = session.scalar(select(Person).where(Person.id_number_is(GOOD["id_number"])))
    c = session.scalar(select(LabourContract).where(LabourContract.person_id == person.id))
    assert (c.kind, c.task, c.file_type, c.file_name) == (
        "per_task", "3 号楼钢筋绑扎", "image/jpeg", "IMG_0001.jpg")  # the type from the bytes
    assert c.enterprise_id == 2 and c.unit_id == 2 and c.recorded_by is not None
    assert session.get(LabourContractFile, c.id).data == b"\xff\xd8\xff\xe0photo"
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "contract.record"))
    assert c.file_sha256 in entry.after and "photo" not in entry.after  # the digest, not bytes


def test_registration_without_a_contract_is_refused_and_nothing_saved(client, auth, session):
    auth.login("suba_op")
    before = session.scalar(select(func.count()).select_from(Person))
    no_file = {k: v for k, v in GOOD.items() if k != "contract_file"}
    r = client.post("/projects/1/workers/new", data=no_file)
    assert r.status_code == 400 and "请上传签订的劳动合同" in r.text
    assert f'value="{GOOD["contract_ends_on"]}"' in r.text  # the fieldset keeps its input
    r = client.post("/projects/1/workers/new?lang=en",
                    data={**GOOD, "contract_file": contract_upload(b"<html>", "x.pdf")})  # fmt: skip
    assert r.status_code == 400 and "must be a PDF, JPEG or PNG" in r.text
    r = client.post("/projects/1/workers/new", data={**GOOD, "contract_ends_on": day(-1)})
    assert r.status_code == 400 and "已过：请登记有效的劳动合同" in r.text
    assert fresh(session).scalar(select(func.count()).select_from(Person)) == before


def test_the_contract_renewal_supersedes_and_keeps_the_history(client, auth, session):
    auth.login("suba_op")
    page = client.get("/projects/1/workers/39/contract").text
    assert "劳动合同-w039.pdf" in page and "登记新合同（续签）" in page
    form = {"contract_kind": "fixed_term", "contract_starts_on": day(10),
            "contract_ends_on": day(800), "contract_file": contract_upload()}  # fmt: skip
    ok(client.post("/projects/1/workers/39/contract", data=form))
    held = fresh(session).scalars(select(LabourContract).where(LabourContract.person_id == 39)
                                  .order_by(LabourContract.id)).all()  # fmt: skip
    assert len(held) == 2  # nothing deleted
    old, new = held
    assert old.effective_until == today_in_shanghai() + timedelta(days=9) and old.superseded_by_id == new.id
    assert old.ends_on > old.effective_until  # the signed end stays on record
    assert client.get("/projects/1/workers/39/contract").text.count("劳动合同-w039.pdf") == 1
    auth.logout()
    auth.login("subb_op")  # another unit's worker: neither the page nor the file
    assert client.get("/projects/1/workers/39/contract").status_code == 403
    assert client.post("/projects/1/workers/39/contract", data={**form, "contract_file":
                       contract_upload()}).status_code == 403  # fmt: skip


def test_the_contract_file_only_for_those_who_see_the_worker_never_cached(client, auth):
    auth.login("suba_pm")
    r = client.get("/projects/1/contracts/39/file")
    assert r.status_code == 200 and r.mimetype == "application/pdf" and r.data[:5] == b"%PDF-"
    assert r.headers["Cache-Control"].startswith("no-store")
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/projects/1/contracts/1/file").status_code == 403  # the GC's own unit
    assert client.get("/projects/1/contracts/99999/file").status_code == 404
    auth.logout()
    auth.login("gc_op")
    assert client.get("/projects/1/contracts/1/file").status_code == 200


# -- acceptance and entry ---------------------------------------------------------------


def _expire_contract(session, person_id: int, until):
    for c in session.scalars(select(LabourContract).where(LabourContract.person_id == person_id)):
        c.effective_until = until
    session.commit()


def test_acceptance_needs_a_contract_in_force_and_records_the_entry(client, auth, session):
    _expire_contract(session, 12, today_in_shanghai() - timedelta(days=1))
    auth.login("gc_pm")
    page = client.get("/projects/1/acceptance").text
    assert f"劳动合同已到期（{day(-1)}）" in page and 'name="entered_on"' in page
    r = client.post("/projects/1/acceptance/accept", data={"ids": ["12", "13"]})
    assert r.status_code == 409 and f"的劳动合同已于 {day(-1)} 到期，不得进场作业" in r.text
    assert fresh(session).get(Assignment, 13).state == "assigned"  # all or nothing
    ok(client.post("/projects/1/acceptance/accept", data={"ids": ["13"], "entered_on": day(-2)}))
    a = fresh(session).get(Assignment, 13)
    assert (a.state, a.entered_on, a.exited_on) == ("accepted", today_in_shanghai() - timedelta(days=2), None)
    events = session.scalars(select(EntryExit).where(EntryExit.assignment_id == 13)).all()
    assert [(e.kind, e.day) for e in events] == [("entry", today_in_shanghai() - timedelta(days=2))]
    r = client.post("/projects/1/acceptance/accept", data={"ids": ["14"], "entered_on": day(1)})
    assert r.status_code == 400 and "进场日期不能晚于今天" in r.text


def test_a_subcontractor_accepts_and_the_gc_enters_the_worker_afterwards(client, auth, session):
    auth.login("suba_pm")
    assert "entered_on" not in client.get("/projects/1/acceptance").text
    ok(client.post("/projects/1/acceptance/accept", data={"ids": "39"}))
    assert fresh(session).get(Assignment, 39).entered_on is None
    page = client.get("/projects/1/roster?presence=not_entered").text
    assert "未进场" in page and 'id="roster-39"' in page and 'id="entry"' not in page
    assert client.post("/projects/1/roster/entry", data={"ids": "39", "day": day(0)}
                       ).status_code == 403  # fmt: skip
    auth.logout()
    auth.login("gc_op")
    ok(client.post("/projects/1/roster/entry", data={"ids": "39", "day": day(0)}))
    assert fresh(session).get(Assignment, 39).entered_on == today_in_shanghai()
    r = client.post("/projects/1/roster/entry", data={"ids": "39", "day": day(0)})
    assert r.status_code == 409 and f"已于 {day(0)} 进场" in r.text


def test_exit_and_re_entry(client, auth, session):
    auth.login("gc_op")
    r = client.post("/projects/1/roster/exit", data={"ids": "41", "day": "2024-12-31"})
    assert r.status_code == 400 and "不能早于项目创建日期" in r.text
    ok(client.post("/projects/1/roster/exit", data={"ids": "41", "day": day(-3)}))
    a = fresh(session).get(Assignment, 41)
    assert a.exited_on == today_in_shanghai() - timedelta(days=3)
    assert f"已于 {day(-3)} 退场" in client.get("/projects/1/roster?presence=exited").text
    r = client.post("/projects/1/roster/entry", data={"ids": "41", "day": day(-3)})
    assert r.status_code == 409 and "再次进场日期应在其后" in r.text
    ok(client.post("/projects/1/roster/entry", data={"ids": "41", "day": day(-1)}))
    a = fresh(session).get(Assignment, 41)
    assert (a.entered_on, a.exited_on) == (today_in_shanghai() - timedelta(days=1), None)
    kinds = session.scalars(select(EntryExit.kind).where(EntryExit.assignment_id == 41)
                            .order_by(EntryExit.id)).all()  # fmt: skip
    assert kinds == ["entry", "exit", "entry"]
    assert session.scalar(select(func.count()).select_from(AuditEntry)
                          .where(AuditEntry.action.in_(["assignment.entry", "assignment.exit"]))
                          ) == 2  # fmt: skip


# -- the gates at sign-in and make-up ----------------------------------------------------


def test_officer_scan_refuses_who_left_the_site_or_has_no_contract(app, open_all_day, session):
    lat, lng = open_all_day
    a = session.scalar(select(Assignment).where(Assignment.person_id == 2))
    a.exited_on = today_in_shanghai() - timedelta(days=1)
    session.commit()
    client = login(app, "officer")
    url = "/api/signin/projects/1/officer-scan"
    r = client.post(url, json={"code": a_code(app, 2), "lat": lat, "lng": lng})
    assert r.status_code == 422 and r.json["reason"] == "exited" and r.json["person_name"]
    assert f"已于 {day(-1)} 退场" in r.json["message"]
    a = fresh(session).scalar(select(Assignment).where(Assignment.person_id == 2))
    a.exited_on = None
    session.commit()
    _expire_contract(session, 2, today_in_shanghai() - timedelta(days=1))
    r = client.post(url + "?lang=en", json={"code": a_code(app, 2), "lat": lat, "lng": lng})
    assert r.status_code == 422 and r.json["reason"] == "contract_expired"
    assert f"labour contract ended on {day(-1)}" in r.json["message"]
    signed = fresh(session).scalar(select(Attendance.id).where(Attendance.person_id == 2,
                                                               Attendance.day == today_in_shanghai()))
    assert signed is None
    r = client.post(url, json={"code": a_code(app, 3), "lat": lat, "lng": lng})
    assert r.status_code == 200 and r.json["ok"]  # the others sign in as before


def test_worker_scan_refuses_a_worker_not_entered(app, open_all_day, session):
    lat, lng = open_all_day
    a = session.scalar(select(Assignment).where(Assignment.person_id == 1))
    a.entered_on = None
    session.commit()
    client = login(app, "worker")
    body = {"code": a_code(app, OFFICER), "lat": lat, "lng": lng}
    r = client.post("/api/signin/worker-scan", json=body)
    assert r.status_code == 422 and r.json["reason"] == "not_entered"
    assert "尚未办理总包现场进场登记" in r.json["message"]


def test_a_make_up_request_before_the_entry_is_refused(app, session):
    a = session.scalar(select(Assignment).where(Assignment.person_id == 1))
    entered = a.entered_on
    client = login(app, "worker")
    form = {"project_id": 1, "day": (entered - timedelta(days=1)).isoformat(), "reason": "忘带手机"}
    r = client.post("/signin/makeup", data=form)
    assert r.status_code == 409 and f"于 {entered} 进场，此前不在场" in r.text
    assert fresh(session).scalar(select(MakeupRequest.id)) is None


# -- the compile counts only the days on site under a contract --------------------------


def test_the_compile_counts_only_days_with_a_contract_and_on_site(app, client, auth, session):
    as_user(client, auth, "gc_pm")
    ok(client.post("/projects/1/payroll/settlement", data={"day": "25"}))
    ok(client.post("/projects/1/payroll/batches", data={"month": MONTH}))
    batch = session.scalar(select(WageBatch))
    comp_id = session.scalar(select(Compilation.id).where(Compilation.batch_id == batch.id,
                                                          Compilation.unit_id == 1))  # fmt: skip
    days = {pid: sorted(d for (d,) in session.execute(
        select(Attendance.day).where(Attendance.person_id == pid, Attendance.day >= batch.period_start,
                                     Attendance.day <= batch.period_end)))
        for pid in (5, 6, 7)}  # fmt: skip
    assert all(len(d) >= 2 for d in days.values())
    gone = fresh(session).scalar(select(Assignment).where(Assignment.person_id == 5))
    gone.exited_on = days[5][0]  # left after his first day of the period
    session.add(EntryExit(assignment_id=gone.id, project_id=1, person_id=5, kind="exit",
                          day=days[5][0]))  # fmt: skip
    session.commit()
    _expire_contract(session, 6, days[6][0] - timedelta(days=1))  # no contract in the period
    as_user(client, auth, "gc_op")
    r = client.post("/projects/1/payroll/compilations/new", data={"compilation_id": comp_id},
                    follow_redirects=True)  # fmt: skip
    assert r.status_code == 200
    name5, name6 = (session.get(Person, p).name for p in (5, 6))
    assert f"{name5}有 {len(days[5]) - 1} 天签到不计入出勤（已于 {days[5][0]} 退场）" in r.text
    assert f"未列入编制：{name6}本周期 {len(days[6])} 天签到均不计入（劳动合同已到期" in r.text
    lines = {line.person_id: line for line in fresh(session).scalars(
        select(WageLineRow).where(WageLineRow.compilation_id == comp_id))}  # fmt: skip
    assert lines[5].days + lines[5].makeup_days == 1
    assert 6 not in lines and lines[7].days + lines[7].makeup_days == len(days[7])


def test_a_line_paid_to_the_team_leaders_card_is_refused(app, client, auth, session):
    team = session.get(Team, 1)  # the GC unit's first team, led by person 1
    leader = session.get(Person, team.leader_person_id)
    member = session.get(Person, 3)  # in the same team (demo: every other worker of the unit)
    assert session.scalar(select(Assignment.team_id).where(Assignment.person_id == 3)) == team.id
    member.bank_card = leader.bank_card  # written behind the registration's check (legacy)
    session.commit()
    comp_id = compiled_gc_table(app, client, auth)
    url = f"/projects/1/payroll/compilations/{comp_id}"
    page = client.get(url).text
    assert f"工资卡号是班组长{leader.name}的卡：工资只能发到工人本人的卡" in page
    r = client.post(url + "/submit")
    assert r.status_code == 400 and "班组长" in r.text
    assert fresh(session).get(Compilation, comp_id).state == "draft"
    roster_page = client.get("/projects/1/roster").text
    assert f"工资卡号与{leader.name}相同" in roster_page  # flagged on the roster, both of them
    assert f"工资卡号与{member.name}相同" in roster_page
    assert f"工资卡号登记在其他工人{member.name}名下" in page  # the leader's own line


# -- teams, dispatch, filters, flags ------------------------------------------------------


def test_teams_leaders_and_dispatch(client, auth, session):
    auth.login("suba_op")
    page = client.get("/projects/1/teams").text
    assert "第一班组" in page and "总包自有班组" not in page  # his unit only
    ok(client.post("/projects/1/teams", data={"unit_id": "2", "name": "钢筋三班",
                                              "leader_person_id": "17"}))  # fmt: skip
    team = fresh(session).scalar(select(Team).where(Team.name == "钢筋三班"))
    assert team.leader_person_id == 17
    assert session.scalar(select(Assignment.team_id).where(Assignment.person_id == 17)) == team.id
    r = client.post("/projects/1/teams", data={"unit_id": "2", "name": "钢筋三班"})
    assert r.status_code == 409 and "已有名为“钢筋三班”的班组" in r.text
    r = client.post("/projects/1/teams", data={"unit_id": "2", "name": "x", "leader_person_id": "38"})
    assert r.status_code == 400 and "班组长须为本单位已接收的工人" in r.text  # 38 not accepted
    r = client.post("/projects/1/teams", data={"unit_id": "3", "name": "x"})
    assert r.status_code == 403
    r = client.post(f"/projects/1/teams/{team.id}", data={"name": "钢筋三班",
                                                           "leader_person_id": "15"})  # fmt: skip
    assert r.status_code == 409 and "已是“第一班组”的班组长" in r.text
    ok(client.post("/projects/1/roster/dispatch", data={"ids": ["18", "38"], "team_id": team.id}))
    assert {a.team_id for a in fresh(session).scalars(
        select(Assignment).where(Assignment.id.in_([18, 38])))} == {team.id}  # fmt: skip
    r = client.post("/projects/1/roster/dispatch", data={"ids": "17", "team_id": "3"})
    assert r.status_code == 409 and "请先更换班组长" in r.text
    r = client.post("/projects/1/roster/dispatch", data={"ids": "18", "team_id": ""})
    assert r.status_code == 400 and "请选择班组" in r.text
    r = client.post("/projects/1/roster/dispatch", data={"ids": "18", "team_id": "5"})
    assert r.status_code == 403  # another unit's team
    r = client.post("/projects/1/roster/dispatch", data={"ids": "37", "team_id": team.id})
    assert r.status_code == 409 and "已被退回" in r.text
    page = client.get(f"/projects/1/roster?team={team.id}&state=all").text
    assert 'id="roster-18"' in page and 'id="roster-38"' in page and 'id="roster-19"' not in page
    assert "班组长" in page


def test_the_roster_flags_shared_cards_phones_and_expiring_contracts(client, auth, session):
    p15, p16 = session.get(Person, 15), session.get(Person, 16)
    p16.phone = p15.phone
    session.commit()
    auth.login("gc_pm")
    page = client.get("/projects/1/roster?flagged=1").text
    assert f"手机号与{p15.name}相同" in page and f"手机号与{p16.name}相同" in page
    assert "劳动合同即将到期（" in page  # demo workers 8 and 20 (20 days from the demo load)
    rows = client.get("/api/projects/1/assignments?state=all").json["assignments"]
    by_id = {r["id"]: r for r in rows}
    assert "phone_shared" in [f["reason"] for f in by_id[15]["flags"]]
    assert by_id[15]["team"] == "第一班组" and by_id[15]["entered_on"]
    en = client.get("/projects/1/roster?flagged=1&lang=en").text
    assert "Phone number also on the record of" in en


def test_attendance_and_its_export_by_team(app):
    client = login(app, "gc_pm")
    all_rows = client.get("/api/signin/projects/1/attendance?from=2000-01-01").json["attendance"]
    team = client.get("/api/signin/projects/1/attendance?from=2000-01-01&team_id=1").json
    people = {r["person_id"] for r in team["attendance"]}
    assert people and people < {r["person_id"] for r in all_rows}
    page = client.get("/projects/1/signin/attendance?team_id=1").text
    assert "第一班组" in page and 'name="team_id"' in page
    book = load_workbook(io.BytesIO(client.get("/projects/1/signin/attendance.xlsx?team_id=1").data))
    sheet = book.active
    assert [c.value for c in sheet[2]][6] == "班组"
    assert {row[6].value for row in sheet.iter_rows(min_row=3)} == {"第一班组"}
    grouped = load_workbook(io.BytesIO(client.get(
        "/projects/1/signin/attendance.xlsx?from=2000-01-01&group=team").data)).active  # fmt: skip
    order = [(row[5].value, row[6].value or "") for row in grouped.iter_rows(min_row=3)]
    firsts = [name for i, name in enumerate(order) if i == 0 or order[i - 1] != name]
    assert len(firsts) == len(set(firsts)) >= 2  # each team's rows together


def test_the_wage_table_by_team(app, client, auth, session):
    comp_id = compiled_gc_table(app, client, auth)
    url = f"/projects/1/payroll/compilations/{comp_id}"
    page = client.get(url + "?group=team").text
    assert 'class="team-group"' in page and "第二班组" in page and 'id="team-totals"' in page
    members = set(session.scalars(select(Assignment.person_id).where(Assignment.team_id == 2)))
    lines = session.scalars(select(WageLineRow).where(WageLineRow.compilation_id == comp_id)).all()
    only = client.get(url + "?team_id=2").text
    for line in lines:
        assert (f'id="line-{line.id}"' in only) == (line.person_id in members)


def test_a_rejected_worker_registered_again_keeps_his_contract_in_force(client, auth, session):
    rejected = session.get(Assignment, 37)  # unit 2, rejected; his demo contract is in force
    assert rejected.state == "rejected"
    auth.login("suba_op")
    no_contract = {k: v for k, v in GOOD.items() if not k.startswith("contract_")}
    form = {**no_contract, "id_number": rejected.person.id_number,
            "bank_card": rejected.person.bank_card}  # fmt: skip
    ok(client.post("/projects/1/workers/new", data=form))
    a = fresh(session).get(Assignment, 37)
    assert a.state == "assigned" and a.team_id is None  # 派工 again
    assert session.scalar(select(func.count()).select_from(LabourContract)
                          .where(LabourContract.person_id == a.person_id)) == 1  # fmt: skip
    r = client.post("/projects/1/workers/new", data={**no_contract, "unit_id": "2"})
    assert r.status_code == 400 and "请上传签订的劳动合同" in r.text  # a new worker needs one
