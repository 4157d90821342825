"""All configuration in one place, read from the environment once (prefix ZHUXIN_ or the names below)."""

import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from domain.clock import SHANGHAI

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def database_url(raw: str) -> str:
    """The SQLAlchemy URL for a ``DATABASE_URL``: ``postgresql://`` and ``postgres://`` name the
    installed psycopg (3) driver, since SQLAlchemy's default for them is psycopg2; any other URL,
    including an explicit ``postgresql+driver://``, is returned unchanged."""
    for prefix in ("postgresql://", "postgres://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix) :]
    return raw


@dataclass
class Settings:
    # Database: an SQLite file by default; postgresql://… switches to PostgreSQL.
    SQLALCHEMY_DATABASE_URI: str = field(
        default_factory=lambda: database_url(
            _env("DATABASE_URL", f"sqlite:///{INSTANCE / 'zhuxin.db'}")
        )
    )
    # Session signing key; `make run` writes a random one to instance/secret_key.
    SECRET_KEY: str = field(default_factory=lambda: _env("SECRET_KEY", _instance_secret()))
    # Cookies only over HTTPS; on by default, off for http://127.0.0.1 development (`make run`).
    SESSION_COOKIE_SECURE: bool = field(
        default_factory=lambda: _env("ZHUXIN_SECURE_COOKIES", "1") == "1"
    )
    # Cookies unreadable by scripts and not sent on cross-site requests.
    SESSION_COOKIE_HTTPONLY: bool = True
    SESSION_COOKIE_SAMESITE: str = "Lax"
    REMEMBER_COOKIE_HTTPONLY: bool = True
    REMEMBER_COOKIE_SECURE: bool = field(
        default_factory=lambda: _env("ZHUXIN_SECURE_COOKIES", "1") == "1"
    )
    # Language when the browser asks for neither Chinese nor English.
    BABEL_DEFAULT_LOCALE: str = "zh"
    BABEL_DEFAULT_TIMEZONE: str = SHANGHAI.key
    # Start the job executor and scheduler threads inside the web process.
    ZHUXIN_BACKGROUND: bool = field(default_factory=lambda: _env("ZHUXIN_BACKGROUND", "1") == "1")
    # This machine's name among the nodes sharing the database (default: the host name); each
    # process running jobs takes a slot of it (a lock file in ZHUXIN_NODE_DIR, a local folder),
    # so a restarted process reclaims the job claims of the dead one at once (engine/node.py).
    ZHUXIN_NODE_ID: str = field(default_factory=lambda: _env("ZHUXIN_NODE_ID", ""))
    ZHUXIN_NODE_DIR: str = field(
        default_factory=lambda: _env("ZHUXIN_NODE_DIR", str(INSTANCE / "nodes"))
    )
    # Seconds a running job's claim lasts unless its heartbeat renews it (every third of it):
    # how long a job of a crashed node that does not come back waits for another node.
    ZHUXIN_JOB_LEASE_SECONDS: int = field(
        default_factory=lambda: int(_env("ZHUXIN_JOB_LEASE_SECONDS", "30"))
    )
    # Test-only: pause a service operation at a point and write a marker file, for the crash
    # matrix to SIGKILL the process there (connectors/pause_points.py); empty = never.
    ZHUXIN_PAUSE_AT: str = field(default_factory=lambda: _env("ZHUXIN_PAUSE_AT", ""))
    ZHUXIN_PAUSE_MARKER: str = field(default_factory=lambda: _env("ZHUXIN_PAUSE_MARKER", ""))
    # Test-only: a scheduled step appending each run to this file every N seconds, for the
    # two-node check (tools/two_nodes.py); empty = no such step.
    ZHUXIN_TEST_TICK_FILE: str = field(default_factory=lambda: _env("ZHUXIN_TEST_TICK_FILE", ""))
    ZHUXIN_TEST_TICK_SECONDS: float = field(
        default_factory=lambda: float(_env("ZHUXIN_TEST_TICK_SECONDS", "2"))
    )
    # CSRF tokens on every form (Flask-WTF); tests switch it off only where they say so.
    WTF_CSRF_ENABLED: bool = True
    WTF_CSRF_TIME_LIMIT: int | None = None
    # Ed25519 key signing the personal construction codes: PEM or base64 text, else the file.
    ZHUXIN_SIGNIN_KEY: str = field(default_factory=lambda: _env("ZHUXIN_SIGNIN_KEY", ""))
    ZHUXIN_SIGNIN_KEY_FILE: str = field(
        default_factory=lambda: _env("ZHUXIN_SIGNIN_KEY_FILE", str(INSTANCE / "signin_ed25519.pem"))
    )
    # Clock difference (seconds) tolerated between the code's issuer and the scanning server.
    ZHUXIN_SIGNIN_SKEW_S: int = field(
        default_factory=lambda: int(_env("ZHUXIN_SIGNIN_SKEW_S", "10"))
    )
    # The bank counterparty (专户银行) receiving pain.001 files; PyPI mock-bank in the demo.
    ZHUXIN_BANK_URL: str = field(
        default_factory=lambda: _env("ZHUXIN_BANK_URL", "http://127.0.0.1:8090")
    )
    # Proxies in front of the app that set X-Forwarded-For/-Proto/-Host (a load balancer: 1);
    # 0 = none, the peer address is the client (the login throttle counts per address).
    ZHUXIN_PROXY_HOPS: int = field(default_factory=lambda: int(_env("ZHUXIN_PROXY_HOPS", "0")))
    # The national workers' platform (全国建筑工人管理服务信息平台): its OpenAPI endpoint, the
    # appid and secret it issued; uploads are off while the URL is empty. The wait before the
    # asynchronous results are read is an ISO 8601 duration.
    ZHUXIN_PLATFORM_URL: str = field(default_factory=lambda: _env("ZHUXIN_PLATFORM_URL", ""))
    ZHUXIN_PLATFORM_APPID: str = field(default_factory=lambda: _env("ZHUXIN_PLATFORM_APPID", ""))
    ZHUXIN_PLATFORM_SECRET: str = field(default_factory=lambda: _env("ZHUXIN_PLATFORM_SECRET", ""))
    ZHUXIN_PLATFORM_WAIT: str = field(default_factory=lambda: _env("ZHUXIN_PLATFORM_WAIT", "PT10S"))
    # ISO 8601 interval at which a batch waiting for the bank's status report polls for it.
    ZHUXIN_BANK_POLL: str = field(default_factory=lambda: _env("ZHUXIN_BANK_POLL", "PT30S"))
    # Hours the bank has to give every line of a file a final status; past it the batch shows
    # 银行回执超时 to the GC manager with 再次询问银行.
    ZHUXIN_BANK_ANSWER_HOURS: float = field(
        default_factory=lambda: float(_env("ZHUXIN_BANK_ANSWER_HOURS", "24"))
    )
    # Days after payment during which returns (pacs.004) and late status reports are still
    # picked up (退汇观察期), and the ISO 8601 interval between two looks.
    ZHUXIN_RETURN_WATCH_DAYS: float = field(
        default_factory=lambda: float(_env("ZHUXIN_RETURN_WATCH_DAYS", "30"))
    )
    ZHUXIN_RETURN_POLL: str = field(default_factory=lambda: _env("ZHUXIN_RETURN_POLL", "PT6H"))
    # Personal-data keys (AES-GCM by key id, the current id, the search-hash key) as JSON text;
    # empty: the file below, which `flask zhuxin keys` writes (docs/ARCHITECTURE.md 个人信息).
    ZHUXIN_PII_KEYS: str = field(default_factory=lambda: _env("ZHUXIN_PII_KEYS", ""))
    ZHUXIN_PII_KEYS_FILE: str = field(
        default_factory=lambda: _env("ZHUXIN_PII_KEYS_FILE", str(INSTANCE / "pii_keys.json"))
    )
    # Demo PKI (platform CA, enterprise .p12) written by `flask zhuxin keys`.
    ZHUXIN_PKI_DIR: str = field(
        default_factory=lambda: _env("ZHUXIN_PKI_DIR", str(INSTANCE / "pki"))
    )

    # Trust store: trusted CA certificates (*.pem, *.crt) and CRLs (*.crl) for both signatures;
    # empty: the demo PKI folder above (its root.pem is the platform CA).
    ZHUXIN_TRUST_DIR: str = field(default_factory=lambda: _env("ZHUXIN_TRUST_DIR", ""))
    # How long a login lasts at most (hours), whatever the activity.
    ZHUXIN_SESSION_HOURS: float = field(
        default_factory=lambda: float(_env("ZHUXIN_SESSION_HOURS", "12"))
    )
    PERMANENT_SESSION_LIFETIME: int = field(
        default_factory=lambda: int(float(_env("ZHUXIN_SESSION_HOURS", "12")) * 3600)
    )
    # The lifetime counts from the login (checked on each request), so re-signing the cookie
    # on every answer would extend nothing: it is written when the session changes only.
    SESSION_REFRESH_EACH_REQUEST: bool = False
    # PostgreSQL: statement and lock timeouts of every connection, in ms (0 = none).
    ZHUXIN_PG_STATEMENT_TIMEOUT_MS: int = field(
        default_factory=lambda: int(_env("ZHUXIN_PG_STATEMENT_TIMEOUT_MS", "60000"))
    )
    ZHUXIN_PG_LOCK_TIMEOUT_MS: int = field(
        default_factory=lambda: int(_env("ZHUXIN_PG_LOCK_TIMEOUT_MS", "15000"))
    )
    # 补签: how many days back a worker may ask for a make-up sign-in (and never for a day whose
    # pay period's table is already submitted or paid).
    ZHUXIN_MAKEUP_WINDOW_DAYS: int = field(
        default_factory=lambda: int(_env("ZHUXIN_MAKEUP_WINDOW_DAYS", "31"))
    )

    # Notifications (消息): the SMS driver by name (connectors/sms.py; "log" writes to the log),
    # and how often (seconds) the delivery step tells new tasks and sends pending SMS.
    ZHUXIN_SMS_DRIVER: str = field(default_factory=lambda: _env("ZHUXIN_SMS_DRIVER", "log"))
    ZHUXIN_NOTIFY_SECONDS: float = field(
        default_factory=lambda: float(_env("ZHUXIN_NOTIFY_SECONDS", "30"))
    )
    # 预警: a unit's wage table not yet submitted this many days before the settlement day warns.
    ZHUXIN_WARN_SUBMIT_DAYS: int = field(
        default_factory=lambda: int(_env("ZHUXIN_WARN_SUBMIT_DAYS", "5"))
    )

    def as_dict(self) -> dict:
        return asdict(self)


def _instance_secret() -> str:
    path = INSTANCE / "secret_key"
    if path.exists():
        return path.read_text().strip()
    return "dev-only-" + os.urandom(16).hex()
