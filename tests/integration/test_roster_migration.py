"""Migration 0012_roster on a database with workers on site already: every accepted worker is
entered on the day of his first sign-in (else the day he was accepted), by nobody; nobody gets
a contract (there is no signed document), so the roster flags them; downgrade works."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select, text

from domain.model import Assignment
from domain.roster.model import EntryExit, LabourContract
from domain.signin.model import Attendance


def test_upgrade_enters_the_accepted_workers_and_records_no_contract(app, session):
    first = dict(session.execute(
        select(Attendance.person_id, func.min(Attendance.day)).group_by(Attendance.person_id)
    ).tuples().all())  # fmt: skip
    session.remove()
    downgrade(revision="0011_gates")  # the revision before 0012_roster
    with session.get_bind().begin() as conn:
        conn.execute(text("UPDATE assignment SET decided_at = '2025-02-03 08:00:00'"
                          " WHERE id = 10"))  # fmt: skip
        conn.execute(text("DELETE FROM attendance WHERE person_id = 10"))
    upgrade()
    session.remove()
    rows = session.scalars(select(Assignment).order_by(Assignment.id)).all()
    accepted = [a for a in rows if a.state == "accepted"]
    assert accepted and all(a.entered_on is not None and a.exited_on is None for a in accepted)
    assert all(a.entered_on is None for a in rows if a.state != "accepted")
    by_id = {a.id: a for a in rows}
    assert by_id[10].entered_on.isoformat() == "2025-02-03"  # no sign-in: the acceptance day
    assert all(a.entered_on == first[a.person_id] for a in accepted
               if a.person_id in first and a.id != 10)
    events = session.scalars(select(EntryExit)).all()
    assert len(events) == len(accepted) and {e.recorded_by for e in events} == {None}
    assert session.scalar(select(func.count()).select_from(LabourContract)) == 0
    assert all(a.team_id is None for a in rows)
