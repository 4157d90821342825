"""Warnings (预警): what a project's managers should act on now, each linked to where to act.

Every rule is a pure function over plain facts (no database, no clock of its own): it returns
the ``Warning`` rows it finds, and nothing for facts that are in order.  ``services.warnings``
reads the facts of the projects and units the actor may see and runs every rule over them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from domain.i18n import Text
from domain.notifications import Target

HIGH, MEDIUM, LOW = "high", "medium", "low"
SEVERITY_ORDER = {HIGH: 0, MEDIUM: 1, LOW: 2}
SEVERITY_LABELS = {
    HIGH: Text("紧急", "Urgent"),
    MEDIUM: Text("注意", "Attention"),
    LOW: Text("提示", "Note"),
}
SUBMIT_DAYS = 5  # default: a table not submitted this many days before the settlement day
ABSENT_DAYS = 7  # an accepted worker without a sign-in for this many days
CONTRACT_DAYS = 30  # a labour contract that ends within this many days
UNSUBMITTED = ("draft", "rejected")
COMPILED = ("submitted", "sub_approved", "approved")

TEXTS = {
    "table_not_submitted": Text(
        "{unit} {month} 工资支付表尚未提交审核，结算日 {due}（还剩 {days} 天）",
        "The {month} wage table of {unit} is not submitted; settlement day {due} ({days} days left)",
    ),
    "open_dispute": Text(
        "{worker} 对 {month} 工资有异议，尚未答复",
        "{worker} disputes the {month} wage: not answered yet",
    ),
    "line_not_repaid": Text(
        "{worker} {month} 工资被银行{status}（{reason}），尚未重新支付",
        "The {month} wage of {worker} was {status} by the bank ({reason}) and is not paid again yet",
    ),
    "attendance_without_pay": Text(
        "{worker} 在 {month} 有 {days} 天考勤，但 {unit} 工资支付表中没有他的工资",
        "{worker} has {days} days of attendance in {month} but no pay on the table of {unit}",
    ),
    "pay_without_attendance": Text(
        "{worker} 在 {unit} {month} 工资支付表中有工资 {net} 元，但没有考勤",
        "{worker} is paid {net} yuan on the {month} table of {unit} without any attendance",
    ),
    "worker_absent": Text(
        "{worker}（{unit}）已 {days} 天未签到",
        "{worker} ({unit}) has not signed in for {days} days",
    ),
    "worker_never_signed": Text(
        "{worker}（{unit}）接收后从未签到", "{worker} ({unit}) has never signed in since acceptance"
    ),
    "contract_expiring": Text(
        "{worker}（{unit}）的劳动合同 {until} 到期（还剩 {days} 天）",
        "The labour contract of {worker} ({unit}) ends on {until} ({days} days left)",
    ),
    "contract_expired": Text(
        "{worker}（{unit}）的劳动合同已于 {until} 到期",
        "The labour contract of {worker} ({unit}) ended on {until}",
    ),
    "no_signin_point": Text(
        "{project} 未设置签到地址，工人无法签到",
        "{project} has no sign-in point: nobody can sign in",
    ),
    "no_settlement_day": Text(
        "{project} 未设置月工资结算日期", "{project} has no monthly settlement day"
    ),
    "no_officer": Text(
        "{project} 没有授权班前签到员", "{project} has no authorised sign-in officer"
    ),
    "funding_short": Text(
        "{project} 工资专用账户余额 {balance} 元（{day} 对账单）不足以支付待发工资 {due} 元，缺口 {gap} 元",
        "{project}: the wage account's balance of {balance} yuan (statement of {day}) does not cover the "
        "wages due, {due} yuan ({gap} short)",
    ),
    "officer_absent": Text(
        "{project} 今日（{day}）没有班前签到员到岗签到",
        "No sign-in officer of {project} has signed in today ({day})",
    ),
}
KIND_LABELS = {
    "table_not_submitted": Text("工资表未提交", "Table not submitted"),
    "open_dispute": Text("工资异议", "Wage dispute"),
    "line_not_repaid": Text("退回未重付", "Returned, not repaid"),
    "attendance_without_pay": Text("有考勤无工资", "Attendance without pay"),
    "pay_without_attendance": Text("有工资无考勤", "Pay without attendance"),
    "worker_absent": Text("连续未签到", "Not signing in"),
    "worker_never_signed": Text("连续未签到", "Not signing in"),
    "contract_expiring": Text("合同到期", "Contract ending"),
    "contract_expired": Text("合同到期", "Contract ending"),
    "no_signin_point": Text("未设签到地址", "No sign-in point"),
    "no_settlement_day": Text("未设结算日", "No settlement day"),
    "no_officer": Text("签到员缺位", "No sign-in officer"),
    "officer_absent": Text("签到员缺位", "No sign-in officer"),
    "funding_short": Text("专户余额不足", "Wage account short"),
}
BANK_STATUS = {"rejected": Text("拒绝", "rejected"), "returned": Text("退汇", "returned")}


@dataclass(frozen=True)
class Warning:
    """One warning: its kind and severity, where (project, unit), about what, where to act."""

    kind: str
    severity: str
    project_id: int
    unit_id: int | None
    object: str  # what it is about, e.g. "compilation:7", "person:12", "project:1"
    target: Target
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str = "zh") -> str:
        return TEXTS[self.kind].format(lang, **self.params)

    def label(self, lang: str = "zh") -> str:
        return KIND_LABELS[self.kind].pick(lang)


# Facts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectFacts:
    id: int
    name: str
    has_signin_point: bool
    settlement_day: int | None
    signin_start: str = "04:00"  # HH:MM, Shanghai
    officers: int = 0  # active 班前签到员 authorisations
    officers_present_today: int = 0  # of them, signed in or scanned today
    balance: Decimal | None = None  # the wage account's latest statement balance (None: none yet)
    balance_day: date | None = None
    wages_due: Decimal = Decimal("0.00")  # batches approved, being signed or sent


@dataclass(frozen=True)
class TableFacts:
    """A unit's wage table of a batch, with the people of its period (compiled tables)."""

    project_id: int
    unit_id: int
    unit: str
    compilation_id: int
    batch_id: int
    month: str
    period_end: date
    state: str
    attended: dict[int, tuple[str, int]] = field(default_factory=dict)  # person → (name, days)
    paid: dict[int, tuple[str, str]] = field(default_factory=dict)  # person → (name, net) net > 0


@dataclass(frozen=True)
class LineFacts:
    """A wage line with an open dispute, or with a bank answer other than paid."""

    project_id: int
    unit_id: int
    compilation_id: int
    batch_id: int
    line_id: int
    worker: str
    month: str
    bank_status: str = "none"
    bank_reason: str = ""
    disputed: bool = False  # 有异议, not answered yet


@dataclass(frozen=True)
class WorkerFacts:
    """An accepted worker on site: when he was accepted and last signed in."""

    project_id: int
    unit_id: int
    unit: str
    person_id: int
    assignment_id: int
    worker: str
    accepted_on: date
    last_signin: date | None
    contract_until: date | None = None  # the current labour contract's last day


# Rules --------------------------------------------------------------------------------


def tables_not_submitted(tables: Iterable[TableFacts], today: date,
                         days_before: int = SUBMIT_DAYS) -> list[Warning]:  # fmt: skip
    """A table still draft or returned when the settlement day is ``days_before`` days away
    (or past)."""
    found = []
    for t in tables:
        left = (t.period_end - today).days
        if t.state in UNSUBMITTED and left <= days_before:
            found.append(Warning("table_not_submitted", HIGH if left <= 1 else MEDIUM, t.project_id,
                                 t.unit_id, f"compilation:{t.compilation_id}", _table(t),
                                 {"unit": t.unit, "month": t.month, "due": t.period_end.isoformat(),
                                  "days": max(left, 0)}))  # fmt: skip
    return found


def open_disputes(lines: Iterable[LineFacts]) -> list[Warning]:
    """有异议 that nobody answered yet."""
    return [Warning("open_dispute", HIGH, x.project_id, x.unit_id, f"line:{x.line_id}",
                    Target("payroll.compilation", {"project_id": x.project_id,
                                                   "compilation_id": x.compilation_id}),
                    {"worker": x.worker, "month": x.month}) for x in lines if x.disputed]  # fmt: skip


def lines_not_repaid(lines: Iterable[LineFacts]) -> list[Warning]:
    """A line the bank rejected or returned whose latest attempt is still that answer."""
    return [Warning("line_not_repaid", HIGH, x.project_id, x.unit_id, f"line:{x.line_id}",
                    Target("payroll.batch", {"project_id": x.project_id, "batch_id": x.batch_id}),
                    {"worker": x.worker, "month": x.month, "status": BANK_STATUS[x.bank_status],
                     "reason": x.bank_reason or "—"})
            for x in lines if x.bank_status in BANK_STATUS]  # fmt: skip


def attendance_pay_mismatch(tables: Iterable[TableFacts]) -> list[Warning]:
    """In a compiled table: a worker who signed in but has no pay, and pay without a sign-in."""
    found = []
    for t in tables:
        if t.state not in COMPILED:
            continue
        for pid, (name, days) in sorted(t.attended.items()):
            if pid not in t.paid:
                found.append(_mismatch("attendance_without_pay", t, pid, worker=name, days=days))
        for pid, (name, net) in sorted(t.paid.items()):
            if pid not in t.attended:
                found.append(_mismatch("pay_without_attendance", t, pid, worker=name, net=net))
    return found


def absent_workers(workers: Iterable[WorkerFacts], today: date,
                   days: int = ABSENT_DAYS) -> list[Warning]:  # fmt: skip
    """An accepted worker on site who has not signed in for ``days`` days (or never, when he
    was accepted at least that long ago)."""
    found = []
    for w in workers:
        since = w.last_signin or w.accepted_on
        gap = (today - since).days
        if gap < days:
            continue
        kind = "worker_absent" if w.last_signin else "worker_never_signed"
        found.append(Warning(kind, LOW, w.project_id, w.unit_id, f"person:{w.person_id}",
                             Target("signin.attendance_list", {"project_id": w.project_id}),
                             {"worker": w.worker, "unit": w.unit, "days": gap}))  # fmt: skip
    return found


def contracts_ending(workers: Iterable[WorkerFacts], today: date,
                     within: int = CONTRACT_DAYS) -> list[Warning]:  # fmt: skip
    """A labour contract that ends within ``within`` days, or has ended, for a worker on site."""
    found = []
    for w in workers:
        if w.contract_until is None:
            continue
        left = (w.contract_until - today).days
        if left > within:
            continue
        kind, severity = ("contract_expired", HIGH) if left < 0 else ("contract_expiring", MEDIUM)
        found.append(Warning(kind, severity, w.project_id, w.unit_id, f"person:{w.person_id}",
                             Target("project.worker_contract", {"project_id": w.project_id,
                                                                "assignment_id": w.assignment_id}),
                             {"worker": w.worker, "unit": w.unit,
                              "until": w.contract_until.isoformat(), "days": left}))  # fmt: skip
    return found


def project_setup(projects: Iterable[ProjectFacts]) -> list[Warning]:
    """A project without a sign-in point or without a settlement day."""
    found = []
    for p in projects:
        params = {"project": p.name}
        if not p.has_signin_point:
            found.append(Warning("no_signin_point", HIGH, p.id, None, f"project:{p.id}",
                                 Target("signin.point_edit", {"project_id": p.id}), params))  # fmt: skip
        if p.settlement_day is None:
            found.append(Warning("no_settlement_day", HIGH, p.id, None, f"project:{p.id}",
                                 Target("payroll.settlement", {"project_id": p.id}), params))  # fmt: skip
    return found


def officer_missing(projects: Iterable[ProjectFacts], now: datetime) -> list[Warning]:
    """No 班前签到员 authorised; or, once today's sign-in hours began (``now`` in Shanghai),
    none of them has signed in or scanned today."""
    found = []
    for p in projects:
        target = Target("project.authorisations", {"project_id": p.id})
        if p.officers == 0:
            found.append(Warning("no_officer", HIGH, p.id, None, f"project:{p.id}", target,
                                 {"project": p.name}))  # fmt: skip
        elif p.officers_present_today == 0 and now.strftime("%H:%M") >= p.signin_start:
            found.append(Warning("officer_absent", MEDIUM, p.id, None, f"project:{p.id}", target,
                                 {"project": p.name, "day": now.date().isoformat()}))  # fmt: skip
    return found


def funding_short(projects: Iterable[ProjectFacts]) -> list[Warning]:
    """The wage account's latest balance does not cover the wages about to be paid."""
    found = []
    for p in projects:
        if p.balance is None or p.wages_due <= p.balance:
            continue
        found.append(Warning("funding_short", HIGH, p.id, None, f"project:{p.id}",
                             Target("payroll.funding", {"project_id": p.id}),
                             {"project": p.name, "balance": f"{p.balance:,.2f}", "day": str(p.balance_day),
                              "due": f"{p.wages_due:,.2f}", "gap": f"{p.wages_due - p.balance:,.2f}"}))  # fmt: skip
    return found


def ordered(found: Iterable[Warning]) -> list[Warning]:
    """Most severe first, then by project, unit and kind."""
    return sorted(found, key=lambda w: (SEVERITY_ORDER[w.severity], w.project_id,
                                        w.unit_id or 0, w.kind, w.object))  # fmt: skip


def counts_by_kind(found: Iterable[Warning]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for w in found:
        counts[w.kind] = counts.get(w.kind, 0) + 1
    return counts


def _table(t: TableFacts) -> Target:
    return Target(
        "payroll.compilation", {"project_id": t.project_id, "compilation_id": t.compilation_id}
    )


def _mismatch(kind: str, t: TableFacts, person_id: int, **params) -> Warning:
    return Warning(kind, MEDIUM, t.project_id, t.unit_id, f"person:{person_id}", _table(t),
                   {"unit": t.unit, "month": t.month, **params})  # fmt: skip
