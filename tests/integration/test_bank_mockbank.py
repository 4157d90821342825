"""Against a real `mock-bank` process on a free port: submit, status, exactly-once, rejections."""

import json
import shutil
import socket
import subprocess
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from urllib.request import Request, urlopen

import pytest

from connectors.bank_client import (
    ACCEPTED,
    ALREADY_SENT,
    BankClient,
    BankUnavailable,
    iban_alias,
)
from connectors.bank_iso20022 import (
    CreditTransfer,
    DebtorAccount,
    PaymentBatch,
    build_pain001,
    msg_id_for,
    validate_pain001,
)

WAGE_ACCOUNT = "3100123456789012"  # ≤ 17 digits: mock-bank's account_number limit
MOCK_BANK_CODE = "999999992"  # mock-bank's own routing number: creditors there are held accounts
CLOSED_CARD = "6222020200000007"
UNKNOWN_BANK_CARD = "6222020200000015"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def close_business_days(bank_url: str, count: int) -> None:
    """Move bank time on a calendar day at a time until ``count`` business days have ended
    (each with its statement).  ``?days=N`` alone makes a test depend on the day it runs: four
    days from a Thursday afternoon end only two business days, from a Tuesday morning four."""
    ended = 0
    while ended < count:
        with urlopen(_post(bank_url + "/_mock/advance?days=1")) as r:
            ended += date.fromisoformat(json.load(r)["from"][:10]).weekday() < 5  # no holidays set


def _executable() -> list[str]:
    found = Path(sys.executable).with_name("mock-bank")
    if found.exists():
        return [str(found)]
    if shutil.which("mock-bank"):
        return ["mock-bank"]
    pytest.fail("mock-bank is not installed (it is a dev dependency: pip install -e '.[dev]')")


@pytest.fixture(scope="module")
def bank_url():
    port = _free_port()
    process = subprocess.Popen(
        [*_executable(), "--port", str(port), "-q"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_until_up(url, process):
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("mock-bank exited")
        try:
            with urlopen(url + "/_mock/health", timeout=1) as answer:
                if json.load(answer)["status"] == "ok":
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("mock-bank did not start")


@pytest.fixture(scope="module")
def client(bank_url):
    bank = BankClient(bank_url, timeout=10)
    bank.register_account(
        "ZX-WAGE-XHBJ", "徐汇滨江项目农民工工资专用账户", WAGE_ACCOUNT, balance_fen=100_000_000
    )
    bank.register_account("WORKER-CLOSED", "关户工人", CLOSED_CARD, behaviour="closed-account")
    bank.register_account("WORKER-BADBANK", "错行工人", UNKNOWN_BANK_CARD, behaviour="bad-bank-id")
    return bank


DEBTOR = DebtorAccount(
    "上海某某建设集团有限公司徐汇滨江项目农民工工资专用账户",
    WAGE_ACCOUNT,
    "102290000018",
    "中国工商银行上海市徐汇支行",
)


def transfer(line_id, name, card, cnaps, amount, attempt=1):
    return CreditTransfer(
        line_id, attempt, name, card, cnaps, "开户行", Decimal(amount), "工资 2025-11"
    )


def pain001(msg_id, transfers):
    xml = build_pain001(PaymentBatch(msg_id, DEBTOR, transfers, date.today(), "上海某某建设集团"))
    assert validate_pain001(xml) == []
    return xml


def payments_of(bank_url, msg_id):
    with urlopen(bank_url + "/_mock/payments") as answer:
        return [p for p in json.load(answer) if p["msg_id"] == msg_id]


def test_iban_alias_has_valid_check_digits():
    assert iban_alias("0000000099") == "NL14MOCK0000000099"


def test_three_lines_paid_and_a_resend_pays_nothing_twice(client, bank_url):
    xml = pain001(
        "XHBJ-202511-01",
        [
            transfer(101, "张敏明", "6222020200112233445", "102290000018", "6500.00"),
            transfer(102, "胡平建", "6217000010000000001", "105290000010", "5200.50"),
            transfer(103, "李大力", "6228480010000000002", "103290000015", "4800.00"),
        ],
    )
    first = client.submit(xml)
    assert first.outcome == ACCEPTED and first.group_status == "ACCP"
    status = client.fetch_status("XHBJ-202511-01")
    assert {k: v.status for k, v in status.items()} == {
        "WL101-1": "ACCP",
        "WL102-1": "ACCP",
        "WL103-1": "ACCP",
    }

    # A crash after sending: the job retries with the same file.
    again = client.submit(xml)
    assert again.outcome == ALREADY_SENT
    assert {k: v.status for k, v in again.lines.items()} == {k: v.status for k, v in status.items()}
    assert len(payments_of(bank_url, "XHBJ-202511-01")) == 3
    # The bank's DUPL report about the resend does not change what we read for the file.
    assert client.fetch_status("XHBJ-202511-01") == status
    assert any(r.is_duplicate_refusal for r in client.fetch_reports("XHBJ-202511-01"))


def test_closed_account_and_bad_bank_are_rejected_lines_and_the_repayment_file_pays_it(
    client, bank_url
):
    xml = pain001(
        "XHBJ-202511-02",
        [
            transfer(201, "张敏明", "6222020200112233445", "102290000018", "6500.00"),
            transfer(202, "关户工人", CLOSED_CARD, MOCK_BANK_CODE, "3000.00"),
            transfer(203, "李大力", "6228480010000000002", "103290000015", "4800.00"),
            transfer(204, "错行工人", UNKNOWN_BANK_CARD, MOCK_BANK_CODE, "2000.00"),
        ],
    )
    result = client.submit(xml)
    assert result.group_status == "PART"
    status = client.fetch_status("XHBJ-202511-02")
    rejected = sorted((s.line_id, s.reason_code) for s in status.values() if s.rejected)
    assert rejected == [("202", "AC04"), ("204", "RC01")]
    assert status["WL201-1"].status == "ACCP"

    fixed = pain001(
        msg_id_for("XHBJ-202511-02", 1),
        [transfer(202, "关户工人", "6222020200112233446", "102290000018", "3000.00", attempt=2)],
    )
    repaid = client.submit(fixed)
    assert repaid.outcome == ACCEPTED
    assert client.fetch_status("XHBJ-202511-02-R1")["WL202-2"].status == "ACCP"


def test_a_returned_payment_is_read_from_pacs004(client, bank_url):
    client.update_account(
        "ZX-WAGE-XHBJ", behaviour="return-later", parameters={"days": 1, "end_to_end_id": "WL301-1"}
    )
    try:
        client.submit(
            pain001(
                "XHBJ-202512-01",
                [transfer(301, "张敏明", "6222020200112233445", "102290000018", "6500.00")],
            )
        )
        with urlopen(_post(bank_url + "/_mock/advance?days=7")):
            pass
        (back,) = client.fetch_returns("XHBJ-202512-01")
        assert (back.line_id, back.amount, back.reason_code) == ("301", Decimal("6500.00"), "AC04")
    finally:
        client.update_account("ZX-WAGE-XHBJ", behaviour="accept", parameters={})


def test_an_unreachable_bank_is_a_retryable_error():
    with pytest.raises(BankUnavailable):
        BankClient(f"http://127.0.0.1:{_free_port()}", timeout=2).submit(
            pain001("XHBJ-X", [transfer(1, "甲", "6222020200112233445", "102290000018", "1.00")])
        )


def _post(url):
    return Request(url, data=b"", method="POST")
