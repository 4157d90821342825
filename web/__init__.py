"""Flask front end of zhuxin: ``create_app`` sets up the extensions, builds the application
layer's wiring (``services.wiring``, the one composition root) and registers the blueprints; each
blueprint parses requests, calls one use case of ``services`` and responds."""

from datetime import UTC
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Flask, current_app, g, request, session
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix

from engine.driver import keep_prepared_statements
from web import headers
from web.api import bp as api_bp
from web.auth import bp as auth_bp
from web.cli import register_cli
from web.enterprise import bp as enterprise_bp
from web.errors import register_error_handlers
from web.extensions import babel, csrf, db, migrate
from web.forms import IdConverter
from web.inbox import bp as inbox_bp
from web.keys import install_pii_keys
from web.limits import apply_limit
from web.login_session import session_actor
from web.payroll import bp as payroll_bp
from web.project import bp as project_bp
from web.runtime import init_wiring, task_url
from web.settings import ROOT, Settings
from web.signin import bp as signin_bp

LANGS = ("zh", "en")
SHANGHAI = ZoneInfo("Asia/Shanghai")
# Endpoints that answer the same to everyone: no locale, user or grants are resolved for them.
ANONYMOUS_ENDPOINTS = frozenset({"static", "api.ping"})


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(ROOT / "instance"))
    Path(app.instance_path).mkdir(exist_ok=True)  # the default SQLite file and secrets live here
    app.config.from_mapping(Settings().as_dict())
    if test_config:
        app.config.from_mapping(test_config)
    install_pii_keys(app.config)  # ID, card and phone numbers are stored encrypted
    _init_extensions(app)
    init_wiring(app)
    app.url_map.converters["int"] = IdConverter  # before any route: every <int:…> is bounded
    _register_blueprints(app)
    _register_request_hooks(app)
    register_error_handlers(app)
    headers.install(app)
    register_cli(app)
    hops = int(app.config.get("ZHUXIN_PROXY_HOPS") or 0)
    if hops:  # behind a load balancer: the client's address and scheme from its headers
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    return app


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)
        elif db.engine.dialect.name == "postgresql":
            event.listen(db.engine, "connect", _postgres_timeouts(app.config))
            keep_prepared_statements(db.engine)  # a read-only request's rollback keeps them
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(ROOT / "web" / "translations"),
    )



def _register_blueprints(app: Flask) -> None:
    for bp in (auth_bp, project_bp, inbox_bp, signin_bp, api_bp, payroll_bp, enterprise_bp):
        app.register_blueprint(bp)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets readers and the executor thread work while a request writes; NORMAL sync is
    # durable across application crashes (not power loss) and halves the commit cost.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _postgres_timeouts(config):
    """Every connection gets a statement and a lock timeout, so that no request, job or
    diagram holds a connection or a row for ever (0 turns one off)."""
    statement = int(config.get("ZHUXIN_PG_STATEMENT_TIMEOUT_MS", 60000))
    lock = int(config.get("ZHUXIN_PG_LOCK_TIMEOUT_MS", 15000))

    def on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.autocommit = True  # a SET outside any transaction stays for the session
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = {statement}")
            cursor.execute(f"SET lock_timeout = {lock}")
        dbapi_connection.autocommit = False

    return on_connect


def select_locale() -> str:
    """Chinese unless the user switched to English (?lang=en or the switch in the menu)."""
    chosen = request.args.get("lang") or session.get("lang")
    return chosen if chosen in LANGS else "zh"


def localtime(value, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored UTC timestamp shown in Shanghai time."""
    if value is None:
        return ""
    return value.replace(tzinfo=UTC).astimezone(SHANGHAI).strftime(fmt)


def readable_json(value, indent: int | None = None) -> str:
    """Data shown as JSON text on a page (task data, history changes): Chinese as itself,
    where ``tojson`` writes ``\\u`` escapes for a script context; as text, the page's
    autoescape makes it safe."""
    return current_app.json.dumps(value, ensure_ascii=False, indent=indent)


def _register_request_hooks(app: Flask) -> None:
    # First of all hooks: CSRF protection reads the form, so the limit must be set before it.
    app.before_request_funcs.setdefault(None, []).insert(0, apply_limit)

    @app.before_request
    def load_user_context():
        if request.endpoint in ANONYMOUS_ENDPOINTS:
            g.lang, g.actor = "zh", None  # no session, user or grants to read
            return
        g.lang = select_locale()
        policy = getattr(app.view_functions.get(request.endpoint), "access_policy", None)
        g.actor = session_actor(hint=getattr(policy, "hinted", False))

    app.add_template_filter(localtime)
    app.add_template_filter(readable_json)
    app.add_template_global(task_url)

    @app.context_processor
    def inject():
        english = g.get("lang") == "en"
        # Full-width punctuation belongs to Chinese text only.
        return {"actor": g.get("actor"), "lang": g.get("lang", "zh"),
                "colon": ": " if english else "：",
                "lp": " (" if english else "（", "rp": ")" if english else "）"}  # fmt: skip
