"""Command line (``flask --app web zhuxin …``): setup, demo data."""

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from werkzeug.serving import run_simple

from domain import personal_data
from domain.audit import verify_chain
from domain.demo import DEMO_PASSWORD, load_demo
from domain.roles import LABELS
from services import notifications
from services import personal_data as personal_data_services
from web.engine_cli import engine_cli
from web.extensions import db
from web.keys import drop_old_pii_keys, ensure_keys, rotate_pii_key
from web.payroll import cli as payroll_cli
from web.runtime import start_background, uow, wiring


def register_cli(app: Flask) -> None:
    for command in payroll_cli.COMMANDS:
        zhuxin.add_command(command)
    app.cli.add_command(zhuxin)
    app.cli.add_command(engine_cli)


@click.group(cls=AppGroup)  # AppGroup: every command runs in the app's context
def zhuxin():
    """筑薪 administration."""


@zhuxin.command("demo")
def demo_command():
    """Load the demo data once (a no-op on a database that has a project) and print the logins."""
    logins = load_demo(db.session)
    click.echo(f"\n演示账号 Demo logins (password / 密码: {DEMO_PASSWORD})")
    click.echo("-" * 72)
    seen = set()
    for login in logins:
        if (login.username, login.role) in seen:
            continue
        seen.add((login.username, login.role))
        account = login.phone or login.username
        label = LABELS[login.role]
        click.echo(f"  {account:<13} {login.username:<8} {label.zh}/{label.en} {login.scope}")
    click.echo("-" * 72)


@zhuxin.command("audit-verify")
def audit_verify_command():
    """Check the audit log's hash chain; exit 1 naming the first broken entry."""
    check = verify_chain(db.session)
    if check.ok:
        click.echo(f"audit log OK: {check.entries} entries, chain intact")
        return
    click.echo(f"audit log BROKEN at entry {check.broken_id} ({check.reason} does not match); "
               f"{check.entries - 1} entries before it are intact")  # fmt: skip
    raise SystemExit(1)


@zhuxin.command("keys")
def keys_command():
    """Create the instance secrets once: session key (and the keys later steps add)."""
    for line in ensure_keys(wiring().key_makers):
        click.echo(line)


@zhuxin.command("pii-reencrypt")
@click.option("--add-key", is_flag=True, help="First add a new key to the keys file, as current.")
@click.option("--drop-old", is_flag=True, help="Afterwards remove the other keys from the file.")
def pii_reencrypt_command(add_key: bool, drop_old: bool):
    """Encrypt every ID, card and phone number (and bank file) again with the current key."""
    if add_key:
        click.echo(f"added key {rotate_pii_key(current_app.config)} (current)")
    counts = personal_data_services.reencrypt_personal_data(uow(), by="cli")
    for column, count in counts.items():
        click.echo(f"  {column:<28} {count}")
    click.echo(f"re-encrypted {sum(counts.values())} values with key "
               f"{personal_data.keyring().current}")  # fmt: skip
    if drop_old:
        click.echo(f"removed keys: {', '.join(drop_old_pii_keys(current_app.config)) or '-'}")


@zhuxin.command("serve")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
def serve_command(host: str, port: int):
    """Serve the app with its background job executor and scheduler (one process)."""
    app = current_app._get_current_object()
    start_background(app)
    # app.run() is a no-op inside the flask command; serve with werkzeug directly.
    run_simple(host, port, app, threaded=True, use_reloader=False)


@zhuxin.command("notify-send")
def notify_send_command():
    """Tell users of newly arrived tasks and send the pending SMS through the configured driver
    (ZHUXIN_SMS_DRIVER); the scheduled step ``notify.deliver`` does the same every 30 s."""
    done = notifications.deliver(uow())
    click.echo(f"tasks told: {done['tasks']}, SMS sent: {done['sms_sent']}, "
               f"failed: {done['sms_failed']}")  # fmt: skip
