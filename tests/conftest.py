"""Fixtures shared by the suite: a migrated database with the demo data, the app, logins.

The database is an SQLite file per test (copied from a migrated template) unless
``TEST_DATABASE_URL`` names a PostgreSQL server: then each test session gets its own schema,
created by the migrations, and each test starts from truncated tables with fresh demo data.
"""

import os
import sqlite3
import uuid

import pytest
import sqlalchemy as sa

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
TEST_CONFIG = {
    "TESTING": True,
    "ZHUXIN_BACKGROUND": False,
    "SESSION_COOKIE_SECURE": False,
    "REMEMBER_COOKIE_SECURE": False,
    "SECRET_KEY": "test-secret",
    "WTF_CSRF_ENABLED": False,  # tests/web/test_security.py checks CSRF with it on
    # older tests ask for make-ups months back (before the demo's sign-ins); the window's own
    # tests (tests/web/test_makeup_review.py) set the default 31 days
    "ZHUXIN_MAKEUP_WINDOW_DAYS": 3650,
}


@pytest.fixture(autouse=True)
def _postgres_tests_need_postgres(request):
    """A test marked ``postgres`` fails (never skips) when run without TEST_DATABASE_URL."""
    if request.node.get_closest_marker("postgres") and not PG_URL:
        pytest.fail("this test needs PostgreSQL: set TEST_DATABASE_URL (make test-postgres)")


def pytest_configure(config):
    config.addinivalue_line("markers", "postgres: needs PostgreSQL (runs in the PostgreSQL pass)")
    config.addinivalue_line("markers", "e2e: browser test (Debian Chromium)")


def _migrate(url: str) -> None:
    from flask_migrate import upgrade

    from web import create_app
    from web.extensions import db

    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        deploy_bpmn(app)
        db.engine.dispose()


def deploy_bpmn(app) -> None:
    """Deploy the diagrams of bpmn/ through the app's wiring (its connectors are checked)."""
    from services.processes import deploy_changed
    from web.runtime import BPMN_DIR, uow

    deploy_changed(uow(), BPMN_DIR, by="tests")


def _load_demo(url: str) -> None:
    from domain.demo import load_demo
    from web import create_app
    from web.extensions import db

    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        deploy_bpmn(app)
        load_demo(db.session)
        db.engine.dispose()


def pg_schema_url(base: str, schema: str) -> str:
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """A migrated database with demo data: an SQLite file path, or a PostgreSQL URL."""
    if PG_URL:
        from web.settings import database_url as sqlalchemy_url  # postgresql:// → psycopg 3

        schema = f"t_{uuid.uuid4().hex[:10]}"
        base = sqlalchemy_url(PG_URL)
        engine = sa.create_engine(base)
        with engine.begin() as conn:  # fails loudly when PostgreSQL is down: no silent skip
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
        url = pg_schema_url(base, schema)
        _migrate(url)
        yield url
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()
        return
    path = tmp_path_factory.mktemp("db") / "template.db"
    url = f"sqlite:///{path}"
    _migrate(url)
    _load_demo(url)
    yield str(path)


@pytest.fixture
def database_url(database_template, tmp_path):
    """A fresh copy of the demo database for one test."""
    if PG_URL:
        _reset_postgres(database_template)
        return database_template
    path = tmp_path / "test.db"
    source, target = sqlite3.connect(database_template), sqlite3.connect(path)
    with target:
        source.backup(target)  # consistent even while the template's WAL is not checkpointed
    source.close()
    target.close()
    return f"sqlite:///{path}"


# The demo data as loaded once per schema: each table's rows (COPY text) and each sequence.
_PG_SNAPSHOTS: dict[str, tuple[list[tuple[str, bytes]], list[tuple[str, int, bool]]]] = {}


def _reset_postgres(url: str) -> None:
    """Empty every table and put the demo data back: loaded through the app the first time,
    copied back from that load's snapshot after (the same rows, in a fraction of the time)."""
    engine = sa.create_engine(url)
    snapshot = _PG_SNAPSHOTS.get(url)
    with engine.begin() as conn:
        tables = _pg_tables(conn)
        conn.execute(sa.text("SET session_replication_role = replica"))  # skip the audit trigger
        conn.execute(
            sa.text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
        )
        if snapshot is not None:
            _restore(conn, snapshot)
    if snapshot is None:
        _load_demo(url)
        with engine.begin() as conn:
            _PG_SNAPSHOTS[url] = _take(conn, _pg_tables(conn))
    engine.dispose()


def _pg_tables(conn) -> list[str]:
    return list(conn.scalars(sa.text(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        " AND tablename <> 'alembic_version' ORDER BY tablename"
    )))  # fmt: skip


def _take(conn, tables: list[str]):
    cursor = conn.connection.driver_connection.cursor()
    rows = []
    for table in tables:
        with cursor.copy(f'COPY "{table}" TO STDOUT') as copy:
            rows.append((table, b"".join(bytes(chunk) for chunk in copy)))
    sequences = []
    for (name,) in conn.execute(sa.text(
        "SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()"
    )):  # fmt: skip
        value, called = conn.execute(sa.text(f'SELECT last_value, is_called FROM "{name}"')).one()
        sequences.append((name, value, called))
    return rows, sequences


def _restore(conn, snapshot) -> None:
    rows, sequences = snapshot
    cursor = conn.connection.driver_connection.cursor()
    for table, data in rows:
        if data:
            with cursor.copy(f'COPY "{table}" FROM STDIN') as copy:
                copy.write(data)
    for name, value, called in sequences:
        conn.execute(sa.text("SELECT setval(:s, :v, :c)"), {"s": f'"{name}"', "v": value, "c": called})


@pytest.fixture
def app(database_url):
    from web import create_app
    from web.extensions import db

    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url})
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def session(app):
    """The app's SQLAlchemy session inside an app context (for domain-level tests)."""
    from web.extensions import db

    with app.app_context():
        yield db.session


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, account: str, password: str = "zhuxin2026"):
        return self.client.post("/login", data={"account": account, "password": password})

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def open_all_day(app):
    """The demo project open for sign-in 00:00–24:00, so tests pass at any time of day;
    → its sign-in point (lat, lng), WGS-84."""
    from domain.model import Project
    from web.extensions import db

    with app.app_context():
        project = db.session.get(Project, 1)
        project.signin_start, project.signin_end = "00:00", "24:00"
        db.session.commit()
        return project.signin_lat, project.signin_lng
