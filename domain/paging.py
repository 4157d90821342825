"""Paging (分页) of every list page and streaming of every export: one page of a query with its
total, and every row of it in batches that never sit in memory together."""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

SIZES = (20, 50, 100, 200)  # the page sizes a user may choose
DEFAULT_SIZE = 50
STREAM_BATCH = 1000  # rows fetched at a time by an export (a server-side cursor on PostgreSQL)


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
