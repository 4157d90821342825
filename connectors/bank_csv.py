"""代发工资 batch file in the CSV layout Chinese corporate e-banking batch uploads typically take
(序号, 收款人姓名, 收款账号, 开户行, 联行号, 金额, 用途; domain.md §4.1).

UTF-8 with a BOM so Excel opens it correctly; every character is checked to exist in GBK as
well, because many bank upload tools convert to GBK and would garble anything outside it.
"""

from __future__ import annotations

import csv
import io

from connectors.bank_iso20022 import CreditTransfer
from domain.i18n import Text
from domain.payroll.errors import PayrollError
from domain.payroll.money import plain

HEADER = ("序号", "收款人姓名", "收款账号", "开户行", "联行号", "金额", "用途")


def bank_batch_csv(transfers: list[CreditTransfer], purpose: str) -> bytes:
    """The transfers as CSV bytes (UTF-8 with BOM, CRLF line ends, GBK-safe text)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for number, t in enumerate(transfers, start=1):
        row = (number, t.name, t.account_no, t.bank_name, t.cnaps, plain(t.amount), purpose)
        for value in row:
            _check_gbk(str(value), number)
        writer.writerow(row)
    return out.getvalue().encode("utf-8-sig")


def _check_gbk(text: str, number: int) -> None:
    try:
        text.encode("gbk")
    except UnicodeEncodeError as error:
        raise PayrollError(
            "not_gbk",
            Text(
                "第 {row} 行：字符「{char}」不在 GBK 字符集中，银行批量上传工具无法识别",
                "Row {row}: {char!r} cannot be written in GBK, which bank upload tools use",
            ),
            row=number,
            char=text[error.start],
        ) from error
