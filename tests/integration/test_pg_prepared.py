"""A rollback on the app's PostgreSQL connections keeps psycopg's prepared statements unless
the transaction ran DDL (``engine.driver.keep_prepared_statements``), and is still a rollback."""

import pytest
import sqlalchemy as sa

pytestmark = pytest.mark.postgres

PREPARED = sa.text("SELECT count(*) FROM pg_prepared_statements")


def _prepare_one(session) -> None:
    from engine.driver import fetch_one

    fetch_one(session, "SELECT 1 AS one WHERE %(x)s::int = 1", {"x": 1})  # prepare=True


def test_a_read_only_rollback_keeps_the_prepared_statements(app):
    from web.extensions import db

    with app.app_context():
        _prepare_one(db.session)
        assert db.session.scalar(PREPARED) >= 1
        db.session.rollback()  # a read-only request ends so
        assert db.session.scalar(PREPARED) >= 1
        _prepare_one(db.session)  # psycopg still knows its name: no "does not exist"
        db.session.rollback()


def test_a_rollback_still_discards_what_the_transaction_wrote(app):
    from web.extensions import db

    with app.app_context():
        db.session.execute(sa.text("CREATE TABLE zz_rollback (id int)"))
        db.session.commit()
        try:
            _prepare_one(db.session)
            db.session.execute(sa.text("INSERT INTO zz_rollback VALUES (1)"))
            db.session.rollback()
            assert db.session.scalar(sa.text("SELECT count(*) FROM zz_rollback")) == 0
            assert db.session.scalar(PREPARED) >= 1
        finally:
            db.session.rollback()
            db.session.execute(sa.text("DROP TABLE zz_rollback"))
            db.session.commit()


def test_a_rollback_after_ddl_or_a_failed_statement_deallocates_as_psycopg_does(app):
    from web.extensions import db

    with app.app_context():
        _prepare_one(db.session)
        db.session.execute(sa.text("CREATE TABLE zz_ddl (id int)"))  # undone by the rollback
        db.session.rollback()
        assert db.session.scalar(PREPARED) == 0
        _prepare_one(db.session)
        with pytest.raises(sa.exc.DataError):
            db.session.execute(sa.text("SELECT 1 / 0 + :x"), {"x": 1})
        db.session.rollback()  # the transaction failed: psycopg's own rollback
        assert db.session.scalar(PREPARED) == 0
        _prepare_one(db.session)
        db.session.rollback()
