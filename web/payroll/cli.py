"""Payroll commands (``flask --app web zhuxin verify-summary|payroll-demo|confirm-demo|certificate``)."""

from pathlib import Path

import click
from flask import current_app
from sqlalchemy import select

from connectors.bank_client import BankClient
from domain.errors import DomainError
from domain.model import Project, User
from domain.payroll import batches, confirmation
from domain.payroll.model import SigningCredential, WageBatch
from services import certificates, payroll
from services import confirmation as confirm_cases
from services.pki import DEMO_ENTERPRISE_PASSWORD, DEMO_PM_SIGNING_PASSWORD
from web.engine_cli import actor_named
from web.extensions import db
from web.runtime import uow


@click.command("verify-summary")
@click.argument("batch_no")
def verify_summary_command(batch_no: str):
    """验签: each signature of a batch's summary file, and whether the bank got the signed data."""
    batch = db.session.scalar(select(WageBatch).where(WageBatch.batch_no == batch_no))
    if batch is None:
        raise click.ClickException(f"no batch {batch_no}")
    found = payroll.verify(uow(), batch)
    if found["summary"] is None:
        raise click.ClickException("the summary file has not been generated")
    report = found["report"]
    click.echo(f"{batch_no}  lines sha256 {found['summary'].lines_sha256}")
    for s in report.signatures:
        click.echo(f"  {s.field:<22} {s.signer:<28} {s.signing_time}")
    for check in report.checks:
        line = f"  {'✓' if check.ok else '✗'} {check.label.en}"
        click.echo(line if check.ok else f"{line}: {check.reason.en}")
    for f in found["files"]:
        same = {None: "re-payment file", True: "= signed lines", False: "DIFFERS"}[f["matches"]]
        click.echo(f"  bank file {f['msg_id']}: {f['lines']} lines, {f['total']}  {same}")
    if not report.ok or any(f["matches"] is False for f in found["files"]):
        click.echo("INVALID")
        raise SystemExit(1)
    click.echo("VALID: all signatures are valid, trusted and by the right parties")


@click.command("payroll-demo")
def payroll_demo_command():
    """Demo wage payment: the PM's signing certificate, the wage account at the bank."""
    pm = db.session.scalar(select(User).where(User.username == "gc_pm"))
    project = db.session.scalar(select(Project).order_by(Project.id))
    if pm and project and db.session.get(SigningCredential, pm.id) is None:
        payroll.issue_signing_credential(uow(), pm.id, DEMO_PM_SIGNING_PASSWORD,
                                         project.general_contractor.name)  # fmt: skip
    if project:
        click.echo(register_wage_account(project))
    click.echo(f"  gc_pm 签署密码 signing password: {DEMO_PM_SIGNING_PASSWORD}")
    click.echo(f"  企业证书 enterprise certificate: {payroll.pki_dir(uow()) / 'enterprise_demo.p12'}"
               f"  (密码 password: {DEMO_ENTERPRISE_PASSWORD})")  # fmt: skip


@click.command("confirm-demo")
def confirm_demo_command():
    """工人确认 demo: this month's batch (if none yet), the GC's own table compiled, w001 confirms
    his line, w002 disputes his (an inbox task for gc_op); the others wait (run it once)."""
    project = db.session.scalar(select(Project).order_by(Project.id))
    if project is None:
        raise click.ClickException("load the demo first: flask zhuxin demo")
    gc_pm, gc_op = actor_named("gc_pm"), actor_named("gc_op")
    if project.settlement_day is None:
        payroll.set_settlement(uow(), gc_pm, project.id, "25")
    month = batches.month_choices(project)[0][0]
    batch = db.session.scalar(select(WageBatch).where(
        WageBatch.project_id == project.id, WageBatch.pay_month == month,
        WageBatch.kind == "regular"))  # fmt: skip
    batch = batch or payroll.create_batch(uow(), gc_pm, project.id, month)
    comp = next(c for c in batch.compilations if c.unit.is_gc_own)
    if comp.compiled_at is None:
        payroll.compile_from_attendance(uow(), gc_op, comp.id)
    states = confirmation.states_for(db.session, list(comp.lines))
    by_person = {line.person_id: line for line in comp.lines}
    for username, comment in (("w001", ""), ("w002", "少算一天加班")):
        worker = actor_named(username)
        line = by_person.get(worker.person_id)
        if line is None or states[line.id].state != "pending" or comp.state != "draft":
            continue
        if comment:
            confirm_cases.dispute_line(uow(), worker, line.id, comment)
        else:
            confirm_cases.confirm_line(uow(), worker, line.id)
    click.echo(f"  {batch.batch_no} {comp.unit.name}: {len(comp.lines)} lines; "
               f"w001 confirmed, w002 disputed (gc_op's inbox); /projects/{project.id}"
               f"/payroll/compilations/{comp.id}")


def register_wage_account(project: Project) -> str:
    url = current_app.config["ZHUXIN_BANK_URL"]
    name = f"{project.general_contractor.name}{project.name}农民工工资专用账户"
    try:
        BankClient(url, timeout=5).register_account(
            f"ZX-WAGE-{project.code}", name, project.wage_account_no, balance_fen=10**12
        )
    except Exception as error:  # already registered, or the bank is not running
        if "already" in str(error) or "exists" in str(error):
            return f"  bank {url}: wage account {project.wage_account_no} already registered"
        return f"  bank {url}: wage account not registered now ({str(error)[:80]})"
    return f"  bank {url}: wage account {project.wage_account_no} registered"


@click.group("certificate")
def certificate_group():
    """登记企业证书: certificate fingerprints that sign for an enterprise (audited)."""


@certificate_group.command("register")
@click.argument("credit_code")
@click.argument("sha256", required=False, default="")
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False),
              help="The certificate (PEM or DER) instead of its fingerprint.")  # fmt: skip
@click.option("--label", default="", help="What the certificate is (shown on the page).")
@click.option("--as", "username", required=True, help="The administrator registering it.")
def certificate_register_command(credit_code, sha256, path, label, username):
    data = Path(path).read_bytes() if path else b""
    row = _refusals_as_click(lambda: certificates.register_certificate(
        uow(), actor_named(username), credit_code, sha256, data, label))  # fmt: skip
    click.echo(f"registered #{row.id} {row.sha256} for {credit_code}")


@certificate_group.command("revoke")
@click.argument("registration_id", type=int)
@click.option("--as", "username", required=True, help="The administrator revoking it.")
def certificate_revoke_command(registration_id, username):
    _refusals_as_click(lambda: certificates.revoke_certificate(uow(), actor_named(username),
                                                               registration_id))  # fmt: skip
    click.echo(f"revoked #{registration_id}")


@certificate_group.command("list")
@click.option("--as", "username", required=True, help="An administrator.")
def certificate_list_command(username):
    for row, enterprise in certificates.registrations(uow(), actor_named(username)):
        state = f"revoked {row.revoked_at:%Y-%m-%d}" if row.revoked_at else "active"
        click.echo(f"#{row.id} {enterprise.credit_code} {row.sha256} {state} {row.label}")


def _refusals_as_click(call):
    try:
        return call()
    except DomainError as error:
        raise click.ClickException(f"{error.reason}: {error.message('en')}") from error


COMMANDS = (verify_summary_command, payroll_demo_command, confirm_demo_command, certificate_group)
