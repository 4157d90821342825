"""账户对账单 and 资金: the wage account's statements read from the bank (ISO 20022 banks:
camt.053 from the bank's mailbox, daily and on demand) or uploaded (any bank: a camt.053 file
exported from e-banking), reconciled, and the funding watched (domain/payroll/statements.py).
"""

from __future__ import annotations

from connectors.bank_client import BankClient, iban_alias
from connectors.bank_files import ISO20022
from connectors.bank_statements import parse_camt053
from domain.access import Actor
from domain.clock import today_in_shanghai
from domain.model import Project
from domain.payroll import statements as rules
from domain.payroll.batches import get_project, settings_for
from services import notifications
from services.uow import UnitOfWork, use_case

ACTION = "export_bank_file"  # the GC side: the statements name every payee of the account


def _accounts(project: Project) -> set[str]:
    """How a statement names the project's wage account: its number, or mock-bank's IBAN alias."""
    return {project.wage_account_no, iban_alias(project.wage_account_no)}


def _bank(uow: UnitOfWork) -> BankClient:
    bound = uow.wiring.payroll
    return bound.bank_client(bound.bank_url)


@use_case
def pull_statements(uow: UnitOfWork, project_id: int) -> int:
    """Read the bank's statements of the project's wage account (ISO 20022 banks); the new
    ones are kept and reconciled, then the funding is checked.  Returns how many were new."""
    session = uow.session
    if settings_for(session, project_id).bank_adapter != ISO20022:
        return 0
    project = get_project(session, project_id)
    mine = _accounts(project)
    new = 0
    for body in _bank(uow).fetch_statements():
        ours = [st for st in parse_camt053(body) if st.account in mine]
        new += len(rules.store_statements(session, project_id, ours, body, "bank", mine))
    _watch_funding(session, project_id)
    return new


def pull_every_project(uow: UnitOfWork) -> int:
    """The scheduled step: every project's statements (each project in its own transaction)."""
    from sqlalchemy import select  # noqa: PLC0415 (only the scheduled step lists projects)

    ids = list(uow.session.scalars(select(Project.id).order_by(Project.id)))
    return sum(pull_statements(uow, pid) for pid in ids)


@use_case
def upload_statement(uow: UnitOfWork, actor: Actor, project_id: int, content: bytes) -> int:
    """上传对账单: a camt.053 file of the wage account; refused whole when a statement in it is
    of another account.  Returns how many statements were new."""
    session = uow.session
    actor.must(ACTION, project_id)
    project = get_project(session, project_id)
    new = rules.store_statements(session, project_id, parse_camt053(content), content, "upload",
                                 _accounts(project), actor.user_id)  # fmt: skip
    _watch_funding(session, project_id)
    return len(new)


def _watch_funding(session, project_id: int) -> None:
    """After each import: a shortfall becomes a reminder and a message to the GC managers."""
    today = today_in_shanghai()
    if rules.remind_shortfall(session, project_id, today):
        notifications.funding_short(session, project_id, rules.funding(session, project_id, f"{today:%Y-%m}"))


def overview(uow: UnitOfWork, actor: Actor, project_id: int, month: str) -> dict:
    """The page's data: funding of ``month``, the statements, the unmatched entries."""
    actor.must(ACTION, project_id)
    session = uow.session
    return {"funding": rules.funding(session, project_id, month),
            "statements": rules.statements_of(session, project_id)[:60],
            "unmatched": rules.entries_of(session, project_id, rules.UNMATCHED),
            "entries": rules.entries_of(session, project_id, month=month)}  # fmt: skip
