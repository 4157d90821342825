"""Deterministic demo data: a Shanghai project with a GC, two subcontractors and ~60 workers."""

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain import roles
from domain.checks import (
    luhn_check_digit,
    org_code_check_char,
    resident_id_check_char,
    uscc_check_char,
)
from domain.clock import today_in_shanghai
from domain.db import utcnow
from domain.gates import LONG_TERM
from domain.model import (
    Assignment,
    Authorisation,
    Enterprise,
    Person,
    PersonPhoto,
    Project,
    RoleGrant,
    Unit,
    User,
)
from domain.passwords import hash_password
from domain.photos import portrait
from domain.roster.demo import load_roster_demo
from domain.signin.demo import load_signin_demo

DEMO_PASSWORD = "zhuxin2026"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = [
    "伟",
    "强",
    "磊",
    "军",
    "勇",
    "杰",
    "涛",
    "明",
    "超",
    "平",
    "刚",
    "斌",
    "建华",
    "国强",
    "志勇",
    "海涛",
    "建军",
    "德明",
    "永红",
    "春生",
]
TRADES = ["钢筋工", "木工", "混凝土工", "架子工", "砌筑工", "电工", "焊工", "普工"]
AREAS = ["310101", "310104", "320321", "341221", "410523", "510722", "420117", "360426"]
BANKS = [
    ("中国建设银行", "6217001", "105290036005"),
    ("中国工商银行", "6222021", "102290024433"),
    ("中国农业银行", "6228481", "103290040018"),
]


def credit_code(seed: str) -> str:
    """A synthetic unified social credit code with valid organisation-code and final checks."""
    org8 = seed[:8]
    body = "91310000" + org8 + org_code_check_char(org8)
    return body + uscc_check_char(body)


def resident_id(area: str, born: date, seq: int) -> str:
    first17 = f"{area}{born:%Y%m%d}{seq:03d}"
    return first17 + resident_id_check_char(first17)


def bank_card(prefix: str, n: int) -> str:
    partial = f"{prefix}{n:011d}"
    return partial + luhn_check_digit(partial)


@dataclass
class DemoLogin:
    username: str
    phone: str | None
    role: str
    scope: str


def load_demo(session: Session) -> list[DemoLogin]:
    """Create the demo data unless a project already exists; returns the demo logins."""
    if session.scalar(select(Project.id).limit(1)):
        return demo_logins(session)
    rng = random.Random(2026)
    gc = Enterprise(
        name="上海筑城建设集团有限公司", credit_code=credit_code("MA1FL8X3"), kind="general"
    )
    sub_a = Enterprise(name="上海恒固劳务有限公司", credit_code=credit_code("MA1G2K7Q"), kind="sub")
    sub_b = Enterprise(
        name="江苏鑫达建筑劳务有限公司", credit_code=credit_code("MA7H3N2P"), kind="sub"
    )
    session.add_all([gc, sub_a, sub_b])
    project = Project(
        code="SH2026001",
        name="徐汇滨江文化中心项目",
        address="上海市徐汇区龙腾大道2350号",
        general_contractor=gc,
        wage_bank_name="中国建设银行上海徐汇支行",
        wage_account_no="31050161393600012",
        wage_bank_cnaps="105290036005",
        signin_radius_m=300,
        created_at=datetime(2025, 1, 1),  # the demo project has run for a while (its pay months)
    )
    units = [
        Unit(project=project, enterprise=gc, name="总包自有班组", is_gc_own=True),
        Unit(project=project, enterprise=sub_a, name=sub_a.name),
        Unit(project=project, enterprise=sub_b, name=sub_b.name),
    ]
    session.add_all([project, *units])
    session.flush()
    staff = _staff(session, project, gc, units)
    workers = _workers(session, rng, project, units, staff["gc_pm"])
    officer = workers[3]
    session.add(
        Authorisation(
            project=project,
            person=officer.person,
            post=roles.SIGNIN_OFFICER,
            granted_by=staff["gc_pm"].id,
        )
    )
    recorders = {units[0].id: staff["gc_op"].id, units[1].id: staff["suba_op"].id,
                 units[2].id: staff["subb_op"].id}  # fmt: skip
    load_roster_demo(session, workers, recorders, staff["gc_pm"].id)  # before the sign-ins
    load_signin_demo(session, project)
    session.commit()
    return demo_logins(session)


STAFF = [  # username, name, phone, role, unit index (None = whole project)
    ("gc_pm", "王建国", "13800000001", roles.GC_MANAGER, None),
    ("gc_op", "李晓东", "13800000002", roles.GC_OPERATOR, None),
    ("suba_pm", "张卫东", "13800000003", roles.SUB_MANAGER, 1),
    ("suba_op", "陈海峰", "13800000004", roles.SUB_OPERATOR, 1),
    ("subb_pm", "赵立新", "13800000005", roles.SUB_MANAGER, 2),
    ("subb_op", "孙志刚", "13800000006", roles.SUB_OPERATOR, 2),
]


def _staff(session, project, gc, units) -> dict[str, User]:
    pw = hash_password(DEMO_PASSWORD)
    users = {}
    for username, name, phone, role, unit in STAFF:
        u = User(
            username=username,
            display_name=name,
            phone=phone,
            password_hash=pw,
            enterprise_id=(units[unit].enterprise_id if unit else gc.id),
        )
        session.add(u)
        session.flush()
        session.add(
            RoleGrant(
                user_id=u.id,
                role=role,
                project_id=project.id,
                unit_id=units[unit].id if unit else None,
            )
        )
        users[username] = u
    ent = User(username="gc_ent", display_name=gc.name, password_hash=pw, enterprise_id=gc.id)
    admin = User(username="admin", display_name="流程管理员", password_hash=pw)
    session.add_all([ent, admin])
    session.flush()
    session.add(RoleGrant(user_id=ent.id, role=roles.GC_ENTERPRISE, enterprise_id=gc.id))
    session.add(RoleGrant(user_id=admin.id, role=roles.PROCESS_ADMIN))
    return users


def _workers(session, rng, project, units, gc_pm) -> list[Assignment]:
    pw = hash_password(DEMO_PASSWORD)
    plan = [(units[0], 14), (units[1], 26), (units[2], 20)]
    assignments, n = [], 0
    for unit, count in plan:
        for i in range(count):
            n += 1
            name = "王伟" if n in (5, 31) else rng.choice(SURNAMES) + rng.choice(GIVEN)
            # Born 1980–2001: every demo worker between 18 and the site age limits
            # (domain/gates.py) for years; the draw is scaled, so the rest of the stream and
            # every other demo value stay as they were.
            born = date(1980, 1, 1) + timedelta(days=rng.randrange(0, 365 * 35) * 22 // 35)
            bank, prefix, cnaps = BANKS[n % len(BANKS)]
            person = Person(
                name=name,
                id_number=resident_id(rng.choice(AREAS), born, 100 + n),
                phone=f"139{n:08d}",
                trade=rng.choice(TRADES),
                bank_card=bank_card(prefix, 1000 + n),
                bank_name=bank,
                bank_cnaps=cnaps,
                id_valid_until=_id_valid_until(n),
            )
            state = "assigned" if i >= count - 3 else "rejected" if i == count - 4 else "accepted"
            a = Assignment(person=person, project=project, unit=unit, state=state)
            if state != "assigned":
                a.decided_by, a.decided_at = gc_pm.id, utcnow()
                a.reason = "证件照片不清晰，请重新登记" if state == "rejected" else None
            session.add_all([person, a])
            session.flush()
            session.add(_photo(person, n))
            session.add(
                User(
                    username=f"w{n:03d}",
                    phone=person.phone,
                    display_name=name,
                    password_hash=pw,
                    person_id=person.id,
                )
            )
            assignments.append(a)
    return assignments


def _photo(person: Person, n: int) -> PersonPhoto:
    """A drawn portrait with the name (domain.photos.portrait), so the officer's scan shows one."""
    p = portrait(person.name, n)
    return PersonPhoto(person_id=person.id, jpeg=p.jpeg, sha256=p.sha256, width=p.width,
                       height=p.height)  # fmt: skip


def _id_valid_until(n: int) -> date:
    """身份证有效期至 of demo worker ``n``: mostly years ahead, some 长期, one card expired and
    one expiring within the month (so the acceptance page shows both flags)."""
    if n in (2, 16):
        return date(2025, 3, 31)
    if n in (6, 17):
        return today_in_shanghai() + timedelta(days=20)
    if n % 10 == 0:
        return LONG_TERM
    return date(2030 + n % 12, n % 12 + 1, 15)


def demo_logins(session: Session) -> list[DemoLogin]:
    logins = []
    for g in session.scalars(select(RoleGrant).order_by(RoleGrant.id)):
        unit = session.get(Unit, g.unit_id) if g.unit_id else None
        scope = unit.name if unit is not None else ""
        logins.append(DemoLogin(g.user.username, g.user.phone, g.role, scope))
    officer = session.scalar(select(Authorisation).where(Authorisation.revoked_at.is_(None)))
    worker = (
        session.scalar(
            select(User)
            .join(Assignment, Assignment.person_id == User.person_id)
            .where(Assignment.state == "accepted", User.person_id != officer.person_id)
            .order_by(User.id)
        )
        if officer
        else None
    )
    if officer:
        u = session.scalar(select(User).where(User.person_id == officer.person_id))
        if u is not None:
            logins.append(
                DemoLogin(u.username, u.phone, roles.SIGNIN_OFFICER, officer.project.name)
            )
    if worker:
        logins.append(DemoLogin(worker.username, worker.phone, roles.WORKER, ""))
    return logins
