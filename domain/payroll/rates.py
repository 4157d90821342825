"""工种日工资: the default day rate of each trade on a project (the compile's starting amount,
day rate × days).  A project's own rate wins over the platform table, which wins over the
built-in defaults; the GC manager edits the project's rates."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.access import Actor
from domain.audit import record
from domain.errors import DomainError, InvalidInput
from domain.i18n import Text
from domain.model import Assignment, Person
from domain.payroll import compile, last_month
from domain.payroll.compile import DEFAULT_DAY_RATES
from domain.payroll.model import TradeRate, WageLineRow
from domain.payroll.money import parse_amount

MAX_TRADE = 30
TRADE_TOO_LONG = Text(
    "工种名称过长（最多 {max} 个字）：{trade}", "Trade name too long (at most {max}): {trade}"
)
BAD_RATE = Text("【{trade}】日工资：{detail}", "[{trade}] day rate: {detail}")
ZERO_RATE = Text("【{trade}】日工资须大于 0", "[{trade}] day rate must be above 0")


def rate_field(trade: str, new: bool = False) -> str:
    """The input of a trade's rate on the page: ``rate-<trade>``, or ``new_rate`` for a new one."""
    return "new_rate" if new else f"rate-{trade}"


@dataclass(frozen=True)
class TradeRow:
    trade: str
    project_rate: Decimal | None  # this project's own rate, if set
    default_rate: Decimal | None  # the platform's (or built-in) rate

    @property
    def effective(self) -> Decimal | None:
        return self.project_rate if self.project_rate is not None else self.default_rate


def trade_rates(session: Session, actor: Actor, project_id: int) -> list[TradeRow]:
    """Every trade known on the project (built-in, platform, project, its workers' trades)."""
    actor.must("set_trade_rates", project_id)
    rows = session.scalars(
        select(TradeRate).where(
            (TradeRate.project_id == project_id) | TradeRate.project_id.is_(None)
        )
    ).all()
    platform = {t: Decimal(v) for t, v in DEFAULT_DAY_RATES.items()}
    platform.update({r.trade: r.day_rate for r in rows if r.project_id is None})
    own = {r.trade: r.day_rate for r in rows if r.project_id == project_id}
    workers = session.scalars(
        select(Person.trade).join(Assignment, Assignment.person_id == Person.id)
        .where(Assignment.project_id == project_id).distinct()
    ).all()  # fmt: skip
    trades = sorted(set(platform) | set(own) | {t for t in workers if t})
    return [TradeRow(t, own.get(t), platform.get(t)) for t in trades]


def set_trade_rates(session: Session, actor: Actor, project_id: int, values: dict[str, str],
                    new_trade: str = "") -> dict:  # fmt: skip
    """Set the project's rates: ``values`` maps trade → amount text; empty text removes the
    project's own rate (the platform rate applies again); ``new_trade`` names the trade whose
    rate was typed into the new row (so that a refusal marks that input).  All or nothing."""
    actor.must("set_trade_rates", project_id)
    parsed: dict[str, Decimal | None] = {}
    for trade, raw in values.items():
        trade, text = (trade or "").strip(), (raw or "").strip()
        if not trade:
            continue
        field = rate_field(trade, trade == (new_trade or "").strip())
        if len(trade) > MAX_TRADE:
            raise InvalidInput("trade_too_long", TRADE_TOO_LONG, field="new_trade",
                               max=MAX_TRADE, trade=trade[:MAX_TRADE] + "…")  # fmt: skip
        if text == "":
            parsed[trade] = None
            continue
        try:
            amount = parse_amount(text)
        except DomainError as error:
            raise InvalidInput(error.reason, BAD_RATE, field=field, trade=trade,
                               detail=error) from None  # fmt: skip
        if amount <= 0:
            raise InvalidInput("rate_not_positive", ZERO_RATE, field=field, trade=trade)
        parsed[trade] = amount
    own = {
        r.trade: r
        for r in session.scalars(select(TradeRate).where(TradeRate.project_id == project_id))
    }
    changed = {}
    for trade, rate in parsed.items():
        row = own.get(trade)
        before = row.day_rate if row is not None else None
        if row is None:
            if rate is not None:
                session.add(TradeRate(project_id=project_id, trade=trade, day_rate=rate))
        elif rate is None:
            session.delete(row)
        else:
            row.day_rate = rate
        if before != rate:
            changed[trade] = [str(before) if before is not None else None,
                              str(rate) if rate is not None else None]  # fmt: skip
    session.flush()
    if changed:
        record(session, actor.user_id, "payroll.trade_rates", None, changed, project_id)
    return changed


# -- 按工种日工资填充 / 复制上月日工资: day rates put on every line of a table --------------------

FILL_SOURCES = ("trade_rates", "last_month")


def rate_line(line: WageLineRow, rate: Decimal) -> bool:
    """Give ``line`` the day rate ``rate``; gross follows days × rate (and net gross −
    deductions) unless the gross was typed over (it differed from days × the old rate).
    → whether anything changed."""
    days = (line.days or 0) + (line.makeup_days or 0)
    derived = line.gross is None or line.day_rate is None or line.gross == line.day_rate * days
    before = (line.day_rate, line.gross, line.net)
    line.day_rate = rate
    if derived:
        line.gross = rate * days
        line.net = line.gross - (line.deductions or Decimal("0.00"))
    return before != (line.day_rate, line.gross, line.net)


def fill_day_rates(session: Session, actor: Actor, compilation_id: int, source: str) -> int:
    """Put a day rate on every line of an editable table: the trade's rate (``trade_rates``:
    the project's 工种日工资, else the platform's) or the worker's own rate of his latest
    earlier month on the project (``last_month``). A line without such a rate is left as it is.
    Audited with each changed line's rate before and after; → the number of lines changed."""
    comp = compile.get_compilation(session, actor, compilation_id)
    compile.require_compiler(actor, comp)
    compile.require_editable(comp)
    project_id = comp.batch.project_id
    if source == "trade_rates":
        by_trade = compile.day_rates_for(session, project_id, {line.trade for line in comp.lines})
        rates = {line.id: by_trade.get(line.trade) for line in comp.lines}
    elif source == "last_month":
        before = last_month.previous_lines(session, project_id, comp.batch.pay_month,
                                           [line.person_id for line in comp.lines])  # fmt: skip
        rates = {line.id: before[line.person_id].day_rate if line.person_id in before else None
                 for line in comp.lines}  # fmt: skip
    else:
        raise ValueError(f"unknown source of day rates {source!r}; expected {FILL_SOURCES}")
    changed = {}
    for line in comp.lines:
        old, rate = line.day_rate, rates.get(line.id)
        if rate is not None and rate_line(line, rate):
            changed[str(line.id)] = [str(old) if old is not None else None, str(rate)]
    session.flush()
    record(session, actor.user_id, "payroll.day_rates_filled", comp, None, project_id,
           facts={"source": source, "lines": changed})  # fmt: skip
    return len(changed)
