"""Migration 0013_accounts goes down and up again on a database with demo data (SQLite and,
with TEST_DATABASE_URL, PostgreSQL): the photos and codes tables go, users stay, they return."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import func, inspect, select

from domain.model import User


def test_downgrade_and_upgrade(app, session):
    users = session.scalar(select(func.count()).select_from(User))
    session.remove()
    downgrade(revision="0011_gates")
    bind = session.get_bind()
    tables = set(inspect(bind).get_table_names())
    assert not {"activation_code", "person_photo"} & tables
    assert session.scalar(select(func.count()).select_from(User)) == users
    session.remove()
    upgrade()
    assert {"activation_code", "person_photo"} <= set(inspect(session.get_bind()).get_table_names())
