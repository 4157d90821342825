"""Migration 0019_pipl on a database written before it: plain ID, card and phone numbers (and a
plain bank file, and an audit entry with a full ID number) before; ciphertext, hashes, the
unique constraint on the hash, the retention trigger of ``person``, a masked and intact audit
chain after; the app reads every value; downgrade gives the plain values back."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from domain.audit import verify_chain
from domain.model import Person, User
from domain.payroll.model import WageLineRow


def _plain(session):
    people = {p.id: (p.id_number, p.phone, p.bank_card) for p in session.scalars(select(Person))}
    users = {u.id: u.phone for u in session.scalars(select(User)) if u.phone}
    lines = {w.id: (w.id_number, w.bank_card) for w in session.scalars(select(WageLineRow))}
    return people, users, lines


def test_upgrade_encrypts_existing_rows_and_the_app_reads_them(app, session):
    before = _plain(session)
    first_id, (id_number, phone, card) = min(before[0].items())
    session.remove()

    downgrade(revision="0018_audit_chain")
    bind = session.get_bind()
    with bind.connect() as conn:
        stored = conn.execute(text("SELECT id_number, phone, bank_card FROM person WHERE id = :i"),
                              {"i": first_id}).one()  # fmt: skip
        assert tuple(stored) == (id_number, phone, card)  # plain text before the migration
    with bind.begin() as conn:
        worker = conn.execute(text('SELECT id, phone FROM "user" WHERE person_id IS NOT NULL'
                                   " ORDER BY id LIMIT 1")).one()  # fmt: skip
        conn.execute(text('UPDATE "user" SET username = phone WHERE id = :i'), {"i": worker.id})
        if bind.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only"))
        conn.execute(text("INSERT INTO audit_entry (at, action, entity, entity_id, after)"
                          " VALUES (CURRENT_TIMESTAMP, 'person.register', 'person', :i, :a)"),
                     {"i": first_id, "a": f'{{"id_number": "{id_number}", "name": "x"}}'})  # fmt: skip
        conn.execute(text("INSERT INTO bank_submission (batch_id, msg_id, round, xml,"
                          " records_sha256, line_count, total, state, send_count)"
                          " SELECT id, 'PIPL-MIG', 0, :x, :d, 1, 1, 'prepared', 0"
                          " FROM wage_batch LIMIT 1"),
                     {"x": f"<Id>{card}</Id>".encode(), "d": "0" * 64})  # fmt: skip
        if bind.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_append_only"))
    upgrade()

    session.remove()
    with bind.connect() as conn:
        stored = conn.execute(text("SELECT id_number, phone, bank_card, id_number_hash"
                                   " FROM person WHERE id = :i"), {"i": first_id}).one()  # fmt: skip
        assert all(v.startswith("k1:") for v in stored[:3]) and len(stored[3]) == 64
        assert id_number not in " ".join(stored)
        log = " ".join(a or "" for (a,) in conn.execute(text("SELECT after FROM audit_entry")))
        assert id_number not in log and id_number[:6] + "********" + id_number[-4:] in log
        xml = [bytes(x) for (x,) in conn.execute(text("SELECT xml FROM bank_submission"))]
        assert all(x.startswith(b"k1:") and card.encode() not in x for x in xml)
        if bind.dialect.name == "sqlite":  # the batch alter's rebuilt table got its trigger back
            assert conn.execute(text("SELECT 1 FROM sqlite_master WHERE type = 'trigger'"
                                     " AND name = 'keep_person'")).all()  # fmt: skip
    assert _plain(session) == before
    found = session.scalar(select(Person).where(Person.id_number_is(id_number.lower())))
    assert found is not None and found.id == first_id
    assert session.scalar(select(User.id).where(User.phone_is(next(iter(before[1].values())))))
    assert verify_chain(session).ok
    renamed = session.get(User, worker.id)  # named after his phone before: not any more
    assert renamed.username.startswith("worker-") and renamed.phone == worker.phone
    session.remove()

    downgrade(revision="0018_audit_chain")
    with bind.connect() as conn:
        stored = conn.execute(text("SELECT id_number, phone, bank_card FROM person WHERE id = :i"),
                              {"i": first_id}).one()  # fmt: skip
        assert tuple(stored) == (id_number, phone, card)
    upgrade()
