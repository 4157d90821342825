"""Bad input gets a clear message naming the field; nothing is half-saved; never a 500."""

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from domain.checks import luhn_check_digit, resident_id_check_char
from domain.clock import today_in_shanghai
from domain.errors import InvalidInput
from domain.model import Assignment, AuditEntry, Person
from domain.realname import register_enterprise
from domain.roster.demo import demo_pdf
from tests.web.photo_helpers import register as with_photo


class Upload(io.BytesIO):
    """A file the test client may post again and again: closing it rewinds it."""

    def close(self):
        self.seek(0)


def contract_upload(data: bytes | None = None, name: str = "劳动合同.pdf") -> tuple:
    return (Upload(demo_pdf(["Labour contract (test)"]) if data is None else data), name)


# The labour contract's fieldset of 人员登记 (聘用登记): a fixed-term contract in force a year.
CONTRACT = {
    "contract_kind": "fixed_term",
    "contract_starts_on": (today_in_shanghai() - timedelta(days=30)).isoformat(),
    "contract_ends_on": (today_in_shanghai() + timedelta(days=365)).isoformat(),
    "contract_task": "",
    "contract_file": contract_upload(),
}

GOOD = {
    "name": "测试工人",
    "id_number": "310104199003070018",  # a man born 1990-03-07
    "phone": "13912345678",
    "trade": "木工",
    "bank_card": "6222020000000100" + "1" + luhn_check_digit("62220200000001001"),
    "bank_name": "中国工商银行",
    "bank_cnaps": "102290024433",
    "unit_id": "2",
    "id_valid_until": "2035-06-30",
    **CONTRACT,
}


def register(client, form=None):
    """人员登记 with a photo (tests/web/test_accounts.py has the photo's own rules)."""
    return with_photo(client, form or GOOD)


def counts(session):
    session.expire_all()
    return tuple(
        session.scalar(select(func.count()).select_from(t))
        for t in (Person, Assignment, AuditEntry)
    )


def test_good_registration(client, auth, session):
    auth.login("suba_op")
    before = counts(session)
    r = register(client)
    assert r.status_code == 200 and "工人账号激活码" in r.text  # his new account's code
    assert counts(session)[:2] == (before[0] + 1, before[1] + 1)


@pytest.mark.parametrize(
    "field, value, words",
    [
        ("id_number", "11010519491231002Y", "身份证号码不正确"),
        ("id_number", "110105194912310021", "校验位不符"),
        ("bank_card", "6222020000000100100", "银行卡号不正确"),
        ("phone", "2391234567", "手机号码不正确"),
        ("bank_cnaps", "10229002443", "联行号不正确"),
        ("name", " ", "【姓名】不能为空"),
        ("unit_id", "99", "没有这个参建单位"),
        ("unit_id", "abc", "应为数字"),
    ],
)
def test_each_bad_field_is_named(client, auth, session, field, value, words):
    auth.login("gc_op")
    before = counts(session)
    r = client.post("/projects/1/workers/new", data={**GOOD, field: value})
    assert r.status_code in (400, 404)
    assert words in r.text
    assert counts(session) == before


def test_duplicate_assignment_is_refused_and_nothing_saved(client, auth, session):
    auth.login("gc_op")
    existing = session.get(Assignment, 1).person
    before = counts(session)
    r = client.post("/projects/1/workers/new", data={**GOOD, "id_number": existing.id_number})
    assert r.status_code == 400 or r.status_code == 409
    assert "已分配到本项目" in r.text
    assert counts(session) == before


def test_subcontractor_cannot_register_into_another_unit(client, auth, session):
    auth.login("suba_op")
    before = counts(session)
    r = client.post("/projects/1/workers/new", data={**GOOD, "unit_id": "3"})
    assert r.status_code == 403
    assert counts(session) == before


def test_unknown_project_is_refused(client, auth):
    auth.login("gc_pm")
    assert client.get("/projects/77/workers/new").status_code == 403


def test_english_messages(client, auth):
    auth.login("gc_op")
    client.get("/lang/en")
    r = client.post("/projects/1/workers/new", data={**GOOD, "id_number": "110105194912310021"})
    assert "Invalid resident ID number: check character does not match" in r.text


def test_credit_code_is_checked_on_registration(session):
    with pytest.raises(InvalidInput) as err:
        register_enterprise(session, None, "某公司", "91110000600037341M", "sub")
    assert err.value.field == "credit_code"
    assert resident_id_check_char("11010519491231002") == "X"


def test_a_card_on_another_workers_record_is_refused_at_registration(client, auth, session):
    auth.login("gc_op")
    other = session.get(Assignment, 1).person
    before = counts(session)
    r = client.post("/projects/1/workers/new", data={**GOOD, "bank_card": other.bank_card})
    assert r.status_code == 400 and "已登记为其他工人的工资卡" in r.text
    assert other.bank_card in r.text  # the input is kept for correction
    assert counts(session) == before
