"""Wage payment area (工资支付编制): settlement day, batch numbers, compile, review, summary,
signing, bank push and results; the worker's own wage confirmation."""

from flask import Blueprint

bp = Blueprint("payroll", __name__)

from web.payroll import (  # noqa: E402,F401
    bank_views,
    confirmation_views,
    document_views,
    ledger_views,
    views,
    worker_views,
)
