"""Payroll commands (``flask --app web zhuxin verify-summary|payroll-demo``)."""

import click
from flask import current_app
from sqlalchemy import select

from connectors.bank_client import BankClient
from domain.model import Project, User
from domain.payroll.model import SigningCredential, WageBatch
from services import payroll
from services.pki import DEMO_ENTERPRISE_PASSWORD, DEMO_PM_SIGNING_PASSWORD
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


COMMANDS = (verify_summary_command, payroll_demo_command)
