import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from lxml import etree

from connectors.bank_csv import bank_batch_csv
from connectors.bank_iso20022 import (
    NS,
    DebtorAccount,
    PaymentBatch,
    bank_records_from_pain001,
    build_pain001,
    msg_id_for,
    parse_end_to_end_id,
    transfers_from_lines,
    validate_pain001,
)
from connectors.bank_reports import merge_statuses, parse_pacs004, parse_pain002
from domain.payroll.errors import PayrollError
from domain.payroll.lines import WageLine, canonical_lines_digest, canonical_records_digest

DEBTOR = DebtorAccount(
    "上海某某建设集团有限公司徐汇滨江项目农民工工资专用账户",
    "31001234567890123",
    "102290000018",
    "中国工商银行上海市徐汇支行",
)


def lines(n=3):
    return [
        WageLine(
            i,
            f"工人{i}",
            "11010519491231002X",
            net=Decimal(f"{5000 + i}.50"),
            gross=Decimal(f"{5000 + i}.50"),
            bank_card=f"62220202001122{i:05d}",
            bank_name="中国建设银行上海分行",
            cnaps="105290000010",
        )
        for i in range(1, n + 1)
    ]


def batch(items, msg_id="XHBJ-202511-01"):
    return PaymentBatch(
        msg_id,
        DEBTOR,
        transfers_from_lines(items, "工资 2025-11 徐汇滨江项目"),
        date(2025, 12, 5),
        "上海某某建设集团有限公司",
        datetime(2025, 12, 1, 9, 0, tzinfo=UTC),
    )


def q(xml, path):
    return etree.fromstring(xml).findall(path, {"p": NS})


def test_pain001_is_valid_against_the_official_xsd():
    xml = build_pain001(batch(lines()))
    assert validate_pain001(xml) == []


def test_pain001_content():
    xml = build_pain001(batch(lines()))
    assert q(xml, ".//p:GrpHdr/p:MsgId")[0].text == "XHBJ-202511-01"
    assert q(xml, ".//p:GrpHdr/p:NbOfTxs")[0].text == "3"
    assert q(xml, ".//p:GrpHdr/p:CtrlSum")[0].text == "15007.50"
    assert q(xml, ".//p:PmtTpInf/p:CtgyPurp/p:Cd")[0].text == "SALA"
    assert q(xml, ".//p:DbtrAcct/p:Id/p:Othr/p:Id")[0].text == "31001234567890123"
    assert q(xml, ".//p:DbtrAcct/p:Ccy")[0].text == "CNY"
    assert q(xml, ".//p:DbtrAgt//p:ClrSysId/p:Cd")[0].text == "CNAPS"
    assert [e.text for e in q(xml, ".//p:CdtTrfTxInf/p:PmtId/p:EndToEndId")] == [
        "WL1-1",
        "WL2-1",
        "WL3-1",
    ]
    assert {e.get("Ccy") for e in q(xml, ".//p:InstdAmt")} == {"CNY"}
    assert q(xml, ".//p:CdtrAgt//p:MmbId")[0].text == "105290000010"


def test_a_broken_document_is_reported_by_the_xsd():
    xml = build_pain001(batch(lines())).replace(b"<PmtMtd>TRF</PmtMtd>", b"<PmtMtd>XXX</PmtMtd>")
    errors = validate_pain001(xml)
    assert errors and "PmtMtd" in errors[0]


def test_five_thousand_lines_validate():
    xml = build_pain001(batch(lines(5000)))
    assert validate_pain001(xml) == []


def test_msg_ids_and_end_to_end_ids():
    assert msg_id_for("XHBJ-202511-01") == "XHBJ-202511-01"
    assert msg_id_for("XHBJ-202511-01", 2) == "XHBJ-202511-01-R2"
    assert parse_end_to_end_id("WL42-3") == ("42", 3)
    with pytest.raises(ValueError):
        msg_id_for("X" * 33, 1)
    retry = transfers_from_lines(lines(1), "工资", attempt=2)
    assert retry[0].end_to_end_id == "WL1-2"


def test_lines_with_nothing_to_pay_are_not_sent():
    items = lines(2)
    items[1].net = Decimal("0.00")
    assert len(batch(items).transfers) == 1


def test_the_file_pays_exactly_the_signed_lines():
    items = lines()
    xml = build_pain001(batch(items))
    assert canonical_records_digest(bank_records_from_pain001(xml)) == canonical_lines_digest(items)
    forged = xml.replace(b"6222020200112200002", b"6222020200112299999")
    assert canonical_records_digest(bank_records_from_pain001(forged)) != canonical_lines_digest(
        items
    )


PAIN002 = b"""<?xml version='1.0' encoding='utf-8'?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt><GrpHdr>
<MsgId>MB-P002-000001</MsgId><CreDtTm>2026-11-24T00:55:57+00:00</CreDtTm></GrpHdr>
<OrgnlGrpInfAndSts><OrgnlMsgId>XHBJ-202511-01</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId>
<GrpSts>PART</GrpSts></OrgnlGrpInfAndSts><OrgnlPmtInfAndSts><OrgnlPmtInfId>XHBJ-202511-01</OrgnlPmtInfId>
<TxInfAndSts><OrgnlEndToEndId>WL1-1</OrgnlEndToEndId><TxSts>ACCP</TxSts></TxInfAndSts>
<TxInfAndSts><OrgnlEndToEndId>WL3-1</OrgnlEndToEndId><TxSts>RJCT</TxSts><StsRsnInf><Rsn><Cd>AC04</Cd>
</Rsn><AddtlInf>closed</AddtlInf></StsRsnInf></TxInfAndSts></OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>"""

DUPL = b"""<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt><GrpHdr>
<MsgId>MB-P002-000002</MsgId></GrpHdr><OrgnlGrpInfAndSts><OrgnlMsgId>XHBJ-202511-01</OrgnlMsgId>
<GrpSts>RJCT</GrpSts><StsRsnInf><Rsn><Cd>DUPL</Cd></Rsn></StsRsnInf></OrgnlGrpInfAndSts>
</CstmrPmtStsRpt></Document>"""


def test_parse_pain002_group_and_lines():
    report = parse_pain002(PAIN002)
    assert (report.original_msg_id, report.group_status) == ("XHBJ-202511-01", "PART")
    accepted, rejected = report.transactions
    assert (accepted.line_id, accepted.status) == ("1", "ACCP")
    assert (rejected.line_id, rejected.reason_code, rejected.reason_text) == ("3", "AC04", "closed")
    assert rejected.rejected and not accepted.rejected


def test_a_dupl_refusal_does_not_touch_the_original_outcome():
    dupl = parse_pain002(DUPL)
    assert dupl.is_duplicate_refusal and dupl.transactions == ()
    merged = merge_statuses([parse_pain002(PAIN002), dupl])
    assert {k: v.status for k, v in merged.items()} == {"WL1-1": "ACCP", "WL3-1": "RJCT"}


def test_parse_pacs004():
    xml = b"""<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.004.001.09"><PmtRtr><GrpHdr>
    <MsgId>MB-P004-1</MsgId></GrpHdr><OrgnlGrpInf><OrgnlMsgId>XHBJ-202511-01</OrgnlMsgId>
    </OrgnlGrpInf><TxInf><RtrId>MB-RTR-4</RtrId><OrgnlEndToEndId>WL5-1</OrgnlEndToEndId>
    <RtrdIntrBkSttlmAmt Ccy="CNY">6500.00</RtrdIntrBkSttlmAmt><RtrRsnInf><Rsn><Cd>AC04</Cd></Rsn>
    </RtrRsnInf></TxInf></PmtRtr></Document>"""
    (back,) = parse_pacs004(xml)
    assert (back.original_msg_id, back.line_id, back.amount, back.reason_code) == (
        "XHBJ-202511-01",
        "5",
        Decimal("6500.00"),
        "AC04",
    )


def test_bank_csv_layout():
    data = bank_batch_csv(batch(lines()).transfers, "工资 2025-11")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["序号", "收款人姓名", "收款账号", "开户行", "联行号", "金额", "用途"]
    assert rows[1] == [
        "1",
        "工人1",
        "6222020200112200001",
        "中国建设银行上海分行",
        "105290000010",
        "5001.50",
        "工资 2025-11",
    ]
    data.decode("utf-8-sig").encode("gbk")


def test_bank_csv_refuses_characters_outside_gbk():
    items = lines(1)
    items[0].worker_name = "王😀"
    with pytest.raises(PayrollError) as caught:
        bank_batch_csv(batch(items).transfers, "工资")
    assert "GBK" in caught.value.message()


def test_the_records_digest_is_the_sha256_of_the_whole_array_dumped_at_once():
    """Hashed record by record (no 10 MB string at 50,000 lines), the digest is still that of
    the one JSON array: the digests stored with earlier summaries stay valid."""
    import hashlib
    import json

    records = [{"line_id": str(n), "worker_name": f"工人{n}", "bank_card": "6222020200112233445",
                "bank_name": "工商银行", "cnaps": "102290024433", "net": f"{n}.50"}
               for n in (12, 3, 101)]  # fmt: skip
    ordered = sorted(records, key=lambda r: int(r["line_id"]))
    whole = json.dumps(ordered, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert canonical_records_digest(records) == hashlib.sha256(whole.encode()).hexdigest()
    assert canonical_records_digest([]) == hashlib.sha256(b"[]").hexdigest()
