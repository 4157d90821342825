"""Every PostgreSQL connection of the app has a statement and a lock timeout (issue 12 item 3)."""

import pytest
import sqlalchemy as sa

pytestmark = pytest.mark.postgres


def test_connections_carry_statement_and_lock_timeouts(app):
    from web.extensions import db

    with app.app_context():
        statement = db.session.scalar(sa.text("SHOW statement_timeout"))
        lock = db.session.scalar(sa.text("SHOW lock_timeout"))
        assert statement == "1min" and lock == "15s"
        with pytest.raises(sa.exc.OperationalError, match="statement timeout"):
            db.session.execute(sa.text("SET LOCAL statement_timeout = 50"))
            db.session.execute(sa.text("SELECT pg_sleep(1)"))
        db.session.rollback()
