"""The rights notice board PDF (维权信息告示牌): A3 portrait, every item of Art. 34 in its text."""

import io
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from connectors.notice_board_pdf import render_notice_board_pdf
from domain.errors import InvalidInput
from domain.model import Project
from domain.notice_board import (
    COMPLAINT_HOTLINE,
    FIELDS,
    SHANGHAI_DEFAULTS,
    Contact,
    NoticeSheet,
    _checked,
    pay_day_text,
)

LOGIN = "https://zhuxin.example.cn/login"


def sheet(**changes) -> NoticeSheet:
    values = dict(
        project_name="徐汇滨江商办楼项目",
        project_address="上海市徐汇区龙腾大道 2888 号",
        client="上海徐汇滨江开发建设有限公司",
        general_contractor="上海建工示范总承包有限公司",
        office_address="龙腾大道 2888 号项目部 2 楼",
        office_phone="021-64381234",
        subcontractors=("钢筋分包A公司", "木工分包B公司"),
        wage_officer=Contact("王劳资", "13912345678"),
        minimum_monthly=Decimal("2740.00"),
        minimum_hourly=Decimal("25.00"),
        minimum_from=date(2025, 7, 1),
        pay_day="每月 25 日",
        wage_bank="中国工商银行上海市徐汇支行",
        regulator=Contact(SHANGHAI_DEFAULTS["regulator_name"], "12345"),
        inspection=Contact(SHANGHAI_DEFAULTS["inspection_name"], "12333"),
        arbitration=Contact(SHANGHAI_DEFAULTS["arbitration_name"], "12333"),
        legal_aid=Contact(SHANGHAI_DEFAULTS["legal_aid_name"], "12348"),
        complaint_hotline=COMPLAINT_HOTLINE,
        extra="本项目工资按月足额支付。",
        login_url=LOGIN,
    )
    return NoticeSheet(**{**values, **changes})


def text_of(pdf: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(pdf))
    return "".join(p.extract_text() for p in reader.pages).replace(" ", ""), reader


def test_every_required_item_is_on_one_a3_page():
    s = sheet()
    text, reader = text_of(render_notice_board_pdf(s))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (297, 420)
    expected = [
        "维权信息告示牌", s.project_name, s.project_address, "建设单位", s.client,
        "施工总承包单位", s.general_contractor, "项目部", "021-64381234", *s.subcontractors,
        "劳资专管员", "王劳资", "13912345678", "最低工资", "2740", "25元", "工资支付日",
        "每月25日", s.wage_bank, "12333", "12345", "12348", "劳动人事争议仲裁", "法律援助",
        "上海市人力资源和社会保障局", s.extra, LOGIN,
    ]  # fmt: skip
    missing = [item for item in expected if item.replace(" ", "") not in text]
    assert not missing


def test_empty_items_say_so_and_no_rate_says_where_to_ask():
    s = sheet(client="", subcontractors=(), minimum_monthly=None, minimum_hourly=None,
              minimum_from=None, extra="", office_address="", office_phone="")  # fmt: skip
    text, _ = text_of(render_notice_board_pdf(s))
    assert "未填写" in text and "（无）" in text and "查询" in text


def test_text_is_escaped():
    text, _ = text_of(render_notice_board_pdf(sheet(extra="<b>A & B</b>")))
    assert "<b>A&B</b>" in text


@pytest.mark.parametrize("day, shown", [(None, "未设置"), (0, "每月最后一日"), (25, "每月 25 日")])
def test_pay_day_in_plain_words(day, shown):
    assert pay_day_text(Project(settlement_day=day)) == shown


FIELD = {f.name: f for f in FIELDS}


@pytest.mark.parametrize("phone", ["12333", "021-64381234", "02164381234", "13912345678",
                                   "64381234", "０２１－６４３８１２３４", "021-64381234-808"])  # fmt: skip
def test_phone_numbers_accepted(phone):
    assert _checked(FIELD["office_phone"], phone)


@pytest.mark.parametrize("phone", ["abc", "12", "139123456789", "021-1234", "+86 x"])
def test_bad_phone_numbers_refused(phone):
    with pytest.raises(InvalidInput) as refused:
        _checked(FIELD["office_phone"], phone)
    assert refused.value.reason == "invalid_phone" and "项目部电话" in refused.value.message()


def test_too_long_and_required():
    with pytest.raises(InvalidInput) as refused:
        _checked(FIELD["client_name"], "长" * 201)
    assert refused.value.reason == "text_too_long"
    with pytest.raises(InvalidInput) as refused:
        _checked(FIELD["wage_officer_name"], "  ")
    assert refused.value.reason == "required"
