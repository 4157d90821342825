"""Paging (分页) of every list page and streaming of every export: one page of a query with its
total, and every row of it in batches that never sit in memory together."""

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression

SIZES = (20, 50, 100, 200)  # the page sizes a user may choose
DEFAULT_SIZE = 50
STREAM_BATCH = 1000  # rows fetched at a time by an export (a server-side cursor on PostgreSQL)
COUNT_EXACTLY = 100_000  # a longer list's total is PostgreSQL's estimate (约 N 条), see total_of


@dataclass(frozen=True)
class PageRequest:
    """Which page (1-based) of how many rows."""

    number: int = 1
    size: int = DEFAULT_SIZE


def page_request(args: Mapping[str, str], default_size: int = DEFAULT_SIZE,
                 prefix: str = "") -> PageRequest:  # fmt: skip
    """``?page=&size=`` read leniently: a page that is not a whole number ≥ 1 is page 1, a size
    that is not one of ``SIZES`` is the default (a list never answers a bad page with an error).
    ``prefix`` names the arguments of a second list on the same page (``f_page``)."""
    raw_page = str(args.get(prefix + "page", "")).strip()
    raw_size = str(args.get(prefix + "size", "")).strip()
    number = int(raw_page) if raw_page.isdigit() and 0 < int(raw_page) < 10**9 else 1
    size = int(raw_size) if raw_size.isdigit() and int(raw_size) in SIZES else default_size
    return PageRequest(number, size)


@dataclass(frozen=True)
class Page:
    """One page of rows, the total over every page, and where it sits (第 x/y 页 · 共 N 条)."""

    items: list[Any]
    number: int
    size: int
    total: int
    estimated: bool = False  # the total is the planner's estimate, pages are counted from the end

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def first_index(self) -> int:
        """The 1-based position of the page's first row (0 on an empty list)."""
        return (self.number - 1) * self.size + 1 if self.items else 0


def _within(req: PageRequest, total: int) -> int:
    """The page asked for, or the last page when it is past the end."""
    return min(req.number, max(1, -(-total // req.size)))


def count_of(session: Session, stmt: Select) -> int:
    """How many rows ``stmt`` gives (its ordering dropped)."""
    return session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0


def paginate(session: Session, stmt: Select, req: PageRequest, *, scalars: bool = True) -> Page:
    """The page ``req`` asks for of ``stmt`` (which must be ordered); a page past the end is the
    last page.  ``scalars=False`` for a statement of several columns (rows as tuples)."""
    total = count_of(session, stmt)
    number = _within(req, total)
    paged = stmt.limit(req.size).offset((number - 1) * req.size)
    items = list(session.scalars(paged) if scalars else session.execute(paged).tuples())
    return Page(items, number, req.size, total)


def paginate_keys(session: Session, keys: Select, order: Sequence[ColumnElement], req: PageRequest,
                  load: Callable[[list[Any]], Iterable[tuple[Any, Any]]]) -> Page:  # fmt: skip
    """A page of a long list (考勤记录 at a million rows), read in two steps: the page's keys
    from ``keys`` (a statement of one key column, filtered, unordered, joined only to what its
    filters need: an index-only scan can answer it), then ``load(keys)`` → (key, row) pairs of
    those rows alone.  ``order`` must be total (end with the key): a page in the second half
    is read backwards from the end (the reversed order, a short offset) and turned round.

    When the total is estimated (``total_of``), the pages of the second half are counted from
    the end (the last page is the last ``size`` rows), so where the two countings meet a page
    may repeat or skip as many rows as the estimate is off; the pager says 约."""
    total, estimated = total_of(session, keys)
    number = _within(req, total)
    offset = (number - 1) * req.size
    size = min(req.size, max(0, total - offset))
    from_end = (-(-total // req.size) - number) * req.size if estimated else total - offset - size
    if from_end < offset:  # nearer the end
        found = session.scalars(keys.order_by(*map(reversed_order, order)).limit(req.size if
                                estimated else size).offset(from_end))  # fmt: skip
        ids = list(found)[::-1]
    else:
        ids = list(session.scalars(keys.order_by(*order).limit(size).offset(offset)))
    rows = dict(load(ids)) if ids else {}
    return Page([rows[k] for k in ids], number, req.size, total, estimated)


def total_of(session: Session, keys: Select) -> tuple[int, bool]:
    """(total, estimated): the rows of ``keys`` counted up to ``COUNT_EXACTLY`` (a short index
    scan); beyond, on PostgreSQL, the planner's estimate of the rows (from the statistics of
    ANALYZE: an exact count of a million rows alone would take most of a page's 200 ms)."""
    capped = keys.order_by(None).limit(COUNT_EXACTLY + 1).subquery()
    counted = session.scalar(select(func.count()).select_from(capped)) or 0
    if counted <= COUNT_EXACTLY:
        return counted, False
    if session.get_bind().dialect.name != "postgresql":  # no estimate there: count every row
        return count_of(session, keys), False
    conn = session.connection()
    compiled = keys.order_by(None).compile(
        dialect=conn.dialect,
        compile_kwargs={"render_postcompile": True},  # IN (…) as binds
    )
    plan = conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled}", compiled.params).scalar_one()
    return max(int(plan[0]["Plan"]["Plan Rows"]), counted), True


def reversed_order(clause: ColumnElement) -> ColumnElement:
    """``x DESC`` for ``x`` (or ``x ASC``), ``x`` for ``x DESC``; where NULLs sort turns round
    with the direction on PostgreSQL and SQLite alike, so the reverse is exact."""
    if isinstance(clause, UnaryExpression) and clause.modifier is operators.desc_op:
        return clause.element.asc()
    if isinstance(clause, UnaryExpression) and clause.modifier is operators.asc_op:
        return clause.element.desc()
    return clause.desc()


def page_of_list(rows: list, req: PageRequest) -> Page:
    """The page ``req`` asks for of rows already in memory (a short list filtered in Python)."""
    number = _within(req, len(rows))
    start = (number - 1) * req.size
    return Page(rows[start : start + req.size], number, req.size, len(rows))


def stream(session: Session, stmt: Select, *, scalars: bool = True) -> Iterator[Any]:
    """Every row of ``stmt``, fetched ``STREAM_BATCH`` at a time (``yield_per``: a server-side
    cursor on PostgreSQL), so an export of any size holds one batch in memory."""
    result = session.execute(stmt.execution_options(yield_per=STREAM_BATCH))
    rows = result.scalars() if scalars else result.tuples()
    yield from rows
