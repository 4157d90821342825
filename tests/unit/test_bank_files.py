"""Bank batch-file layouts as data: every shipped layout loads, writes a file whose totals and
references are right in its encoding, and reads the bank's answer back; wrong layouts and
wrong characters are refused with a clear message."""

from datetime import date
from decimal import Decimal

import pytest

from connectors.bank_files import (
    FileBatch,
    batch_from_pain001,
    layouts,
    parse_layout,
    read_result_file,
    write_batch_file,
)
from connectors.bank_iso20022 import CreditTransfer, DebtorAccount, PaymentBatch, build_pain001
from domain.payroll.errors import PayrollError

DEBTOR = DebtorAccount("上海建工集团农民工工资专用账户", "1001234567890123", "102290000011", "工商银行上海分行")
TRANSFERS = [
    CreditTransfer(11, 1, "张三", "6222021001112223334", "102290024433", "工商银行", Decimal("8250.00"), "2026年11月工资"),
    CreditTransfer(12, 2, "李四", "6217001234567890123", "105290000123", "建设银行", Decimal("7311.05"), "2026年11月工资"),
]
BATCH = FileBatch("SH2026001-202611-01", DEBTOR, TRANSFERS, date(2026, 12, 5))


def test_every_shipped_layout_writes_and_reads_back():
    assert {"icbc", "ccb", "generic_csv"} <= set(layouts())
    sent = {"WL11-1": Decimal("8250.00"), "WL12-2": Decimal("7311.05")}
    for spec in layouts().values():
        data = write_batch_file(spec, BATCH)
        text = data.decode(spec.encoding)
        assert "WL11-1" in text and "WL12-2" in text
        if any("{total}" in f for f in spec.header + spec.trailer):
            assert "15561.05" in text
        detail = [line for line in text.lstrip("\ufeff").splitlines() if "WL1" in line and "合计" not in line]
        assert len(detail) == 2
        # The bank's result file echoes each line with 状态 and 原因 after a header line.
        answer = ["header"] + [
            spec.separator.join([*line.split(spec.separator), *(("失败", "户名不符") if "WL12-2" in line else (spec.result.ok[0], ""))])
            for line in detail
        ]
        found = read_result_file(spec, "\r\n".join(answer).encode(spec.encoding), sent)
        assert found["WL11-1"].status == "ACCP"
        assert (found["WL12-2"].status, found["WL12-2"].reason_text) == ("RJCT", "户名不符")
        assert found["WL12-2"].reason_code == spec.result.codes.get("户名不符", "NARR")


def test_icbc_file_is_gbk_with_the_account_count_and_total_in_its_header():
    data = write_batch_file(layouts()["icbc"], BATCH)
    lines = data.decode("gbk").split("\r\n")
    assert lines[0] == "1001234567890123|上海建工集团农民工工资专用账户|2|15561.05|20261205|SH2026001-202611-01"
    assert lines[1] == "1|6222021001112223334|张三|8250.00|1|102290024433|工商银行|2026年11月工资|WL11-1"
    assert lines[2].split("|")[4] == "0"  # 建设银行: inter-bank
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")


def test_the_file_is_written_from_the_signed_pain001():
    xml = build_pain001(PaymentBatch(BATCH.msg_id, DEBTOR, TRANSFERS, BATCH.execution_date, "上海建工"))
    again = batch_from_pain001(xml)
    assert again.msg_id == BATCH.msg_id and again.debtor.account_no == DEBTOR.account_no
    assert again.execution_date == BATCH.execution_date
    assert [(t.line_id, t.attempt, t.amount, t.account_no) for t in again.transfers] == [
        ("11", 1, Decimal("8250.00"), "6222021001112223334"), ("12", 2, Decimal("7311.05"), "6217001234567890123")]
    assert write_batch_file(layouts()["ccb"], again) == write_batch_file(layouts()["ccb"], BATCH)


def test_a_name_outside_gbk_is_refused_with_its_row():
    odd = FileBatch(BATCH.msg_id, DEBTOR, [TRANSFERS[0], CreditTransfer(13, 1, "𠀀明", "6222", "102", "", Decimal("1"), "")],
                    BATCH.execution_date)
    with pytest.raises(PayrollError) as refused:
        write_batch_file(layouts()["icbc"], odd)
    assert "第 3 行" in refused.value.message() and "𠀀" in refused.value.message()


def test_a_layout_naming_an_unknown_field_or_encoding_is_refused():
    base = 'id="x"\nname="x"\nencoding="{enc}"\nseparator=","\n[detail]\nfields=["{{{field}}}"]\n[result]\nreference=0\nstatus=1\nok=["ok"]\n'
    with pytest.raises(ValueError, match="unknown field"):
        parse_layout(base.format(enc="gbk", field="password"))
    with pytest.raises(LookupError):
        parse_layout(base.format(enc="no-such-codec", field="amount"))
    assert parse_layout(base.format(enc="gbk", field="amount")).detail == ("{amount}",)


def test_result_lines_that_do_not_belong_to_the_file_refuse_it_whole():
    spec = layouts()["generic_csv"]
    sent = {"WL11-1": Decimal("8250.00")}
    good = "h\r\n1,张三,6222,工商银行,102,8250.00,工资,WL11-1,成功,\r\n"
    assert read_result_file(spec, good.encode("utf-8"), sent)["WL11-1"].status == "ACCP"
    for wrong, message in (
        (good.replace("WL11-1", "WL11-2"), "不属于这个支付文件"),
        (good.replace("8250.00", "8250.01"), "金额与支付文件不符"),
        (good + good.split("\r\n")[1] + "\r\n", "重复"),
        ("h\r\n1,张三\r\n", "列数不足"),
        ("h\r\n", "没有任何明细"),
    ):
        with pytest.raises(PayrollError) as refused:
            read_result_file(spec, wrong.encode("utf-8"), sent)
        assert message in refused.value.message(), wrong
    with pytest.raises(PayrollError) as refused:
        read_result_file(layouts()["icbc"], b"\xff\xfe\xfa", sent)
    assert "不是 gbk 编码的文本" in refused.value.message()
