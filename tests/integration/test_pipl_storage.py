"""Personal data at rest (issue 11 item 6): ID, card and phone numbers and the bank file are
ciphertext in the database and plain text in Python; a search goes through the keyed hash; the
audit log holds masked values only; keys rotate with ``flask zhuxin pii-reencrypt``."""

import json
from datetime import date

import sqlalchemy as sa
from sqlalchemy import select

from domain import personal_data
from domain.access import load_actor
from domain.audit import verify_chain
from domain.model import Person, Project, User
from domain.payroll import payment
from domain.payroll.model import BankSubmission, Compilation, WageLineRow
from services import payroll
from tests.web.photo_helpers import register
from tests.web.test_bad_input import GOOD
from web.keys import TEST_PII_KEYS

STORED = (("person", "id_number"), ("person", "phone"), ("person", "bank_card"),
          ("user", "phone"), ("wage_line", "id_number"), ("wage_line", "bank_card"),
          ("wage_line_payment", "bank_card"))  # fmt: skip


def _raw(session, table: str, column: str) -> list:
    rows = sa.table(table, sa.column(column))
    return [v for v in session.execute(select(rows.c[column])).scalars() if v]


def _pay_lines(session) -> BankSubmission:
    """A compiled table of unit 1 and its bank file recorded (as ``bank/SubmitBatch`` does)."""
    from web.runtime import uow

    session.get(Project, 1).settlement_day = 25
    session.commit()

    def actor(name):
        return load_actor(session, session.scalar(select(User).where(User.username == name)))

    batch = payroll.create_batch(uow(), actor("gc_pm"), 1, f"{date.today():%Y-%m}")
    comp = session.scalar(select(Compilation).where(Compilation.batch_id == batch.id,
                                                    Compilation.unit_id == 1))  # fmt: skip
    payroll.compile_from_attendance(uow(), actor("gc_op"), comp.id)
    rows = session.scalars(select(WageLineRow).where(WageLineRow.compilation_id == comp.id)).all()
    paying = [payment.ToPay(payment.as_wage_line(r), 1) for r in rows if r.bank_card]
    xml = ("<Document>" + "".join(f"<Id>{p.line.bank_card}</Id>" for p in paying)
           + "</Document>").encode()  # fmt: skip
    sub = payment.record_submission(session, batch, "PIPL-TEST-1", xml, "0" * 64, paying)
    session.commit()
    return sub


def test_stored_values_are_ciphertext_and_read_back_plain(app, client, auth, session):
    auth.login("suba_op")
    assert register(client, GOOD).status_code in (200, 302)
    sub_id = _pay_lines(session).id
    session.remove()
    for table, column in STORED:
        values = _raw(session, table, column)
        assert values and all(v.startswith("k1:") for v in values), (table, column)
    plain = session.scalars(select(Person)).all()
    numbers = {p.id_number for p in plain} | {p.bank_card for p in plain}
    xml = _raw(session, "bank_submission", "xml")
    assert all(bytes(x).startswith(b"k1:") for x in xml)
    assert not any(n.encode() in bytes(x) for x in xml for n in numbers)
    assert b"<Id>" in session.get(BankSubmission, sub_id).xml  # decrypted where it is read
    person = session.scalar(select(Person).where(Person.id_number_is(GOOD["id_number"].lower())))
    assert person is not None and person.phone == GOOD["phone"]
    assert person.bank_card == GOOD["bank_card"]
    user = session.scalar(select(User).where(User.phone_is(GOOD["phone"])))
    assert user is not None and user.person_id == person.id


def test_the_audit_log_holds_no_full_number(app, client, auth, session):
    auth.login("suba_op")
    register(client, GOOD)
    log = " ".join(f"{b} {a}" for b, a in session.execute(sa.text(
        "SELECT before, after FROM audit_entry")).all())  # fmt: skip
    assert GOOD["id_number"] not in log and GOOD["bank_card"] not in log
    assert GOOD["phone"] not in log
    assert "310104********0018" in log
    assert verify_chain(session).ok


def test_an_id_number_search_never_puts_the_number_in_a_url(client, auth, session):
    auth.login("gc_pm")
    person = session.scalar(select(Person).order_by(Person.id))
    page = client.get("/projects/1/acceptance").text
    assert 'method="post" class="filters"' in page
    found = client.post("/projects/1/acceptance", data={"id_number": person.id_number,
                                                         "state": "all"})  # fmt: skip
    assert found.status_code == 200 and person.name in found.text
    refused = client.get("/api/projects/1/assignments", query_string={"id_number": "x"})
    assert refused.status_code == 400 and refused.json["field"] == "id_number"


def test_rotate_reencrypt_drop_the_old_key_and_everything_reads(app, session, tmp_path):
    from web import create_app
    from web.extensions import db

    _pay_lines(session)
    before = {p.id: (p.id_number, p.phone, p.bank_card) for p in session.scalars(select(Person))}
    session.remove()
    keys = tmp_path / "pii_keys.json"
    keys.write_text(TEST_PII_KEYS)
    config = {**{k: app.config[k] for k in ("TESTING", "ZHUXIN_BACKGROUND", "SECRET_KEY",
                                             "SQLALCHEMY_DATABASE_URI")},
              "ZHUXIN_PII_KEYS": "", "ZHUXIN_PII_KEYS_FILE": str(keys)}  # fmt: skip
    rotating = create_app(config)
    with rotating.app_context():  # on top of the fixture's: the command runs in this app
        result = rotating.test_cli_runner().invoke(args=["zhuxin", "pii-reencrypt",
                                                         "--add-key", "--drop-old"])  # fmt: skip
        again = rotating.test_cli_runner().invoke(args=["zhuxin", "pii-reencrypt"])
        db.session.remove()
        db.engine.dispose()
    assert result.exit_code == 0, result.output
    assert "added key k2" in result.output and "removed keys: k1" in result.output
    assert "person.id_number" in result.output and "bank_submission.xml" in result.output
    assert list(json.loads(keys.read_text())["keys"]) == ["k2"]
    assert "re-encrypted 0 values" in again.output  # everything is under k2 already

    fresh = create_app(config)  # reads the file: k2 only
    with fresh.app_context():
        for table, column in STORED:
            assert all(v.startswith("k2:") for v in _raw(db.session, table, column)), table
        assert all(bytes(x).startswith(b"k2:") for x in _raw(db.session, "bank_submission", "xml"))
        after = {
            p.id: (p.id_number, p.phone, p.bank_card) for p in db.session.scalars(select(Person))
        }
        assert after == before
        first = before[min(before)][0]
        assert db.session.scalar(select(Person.id).where(Person.id_number_is(first))) == min(before)
        assert personal_data.keyring().current == "k2"
        assert verify_chain(db.session).ok
        db.session.remove()
        db.engine.dispose()
