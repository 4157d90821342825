import io
from dataclasses import replace
from decimal import Decimal

import pytest
from pypdf import PdfReader

from connectors.summary_pdf import (
    FRAME_TOP,
    SummaryHeader,
    find_font,
    plan_pages,
    render_summary_pdf,
    write_summary_pdf,
)
from domain.payroll.lines import WageLine, canonical_lines_digest
from domain.payroll.period import pay_period_for

HEADER = SummaryHeader(
    "徐汇滨江项目",
    "XHBJ-202511-01",
    "2025年11月",
    pay_period_for("2025-11", 25),
    "上海某某建设集团有限公司",
)


def lines(n: int) -> list[WageLine]:
    return [
        WageLine(
            i,
            "张敏明·阿卜杜" if i % 7 == 0 else "胡平建",
            "11010519491231002X",
            "电焊工",
            f"第{i % 3}劳务有限公司",
            21,
            1,
            Decimal("300.00"),
            Decimal("6600.00"),
            Decimal("100.00"),
            "借支",
            Decimal("6500.00"),
            "6222020200112233445",
            "工商银行",
            "102290000018",
        )
        for i in range(1, n + 1)
    ]


@pytest.fixture(autouse=True)
def font():
    try:
        find_font()
    except RuntimeError:
        pytest.fail("fonts-wqy-microhei is not installed (make test installs it)")


def test_every_page_has_the_digest_and_page_n_of_m():
    data = lines(120)
    reader = PdfReader(io.BytesIO(render_summary_pdf(HEADER, data)))
    digest = canonical_lines_digest(data)
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) > 2
    for number, text in enumerate(pages, start=1):
        assert digest in text
        assert f"第 {number} 页 / 共 {len(pages)} 页" in text
        assert "XHBJ-202511-01" in text
        assert "序号" in text  # the header row repeats
    first = pages[0]
    assert "农民工工资汇总表" in first and "2025-10-26 至 2025-11-25" in first
    assert "110105********002X" in first and "6222 **** **** 3445" in first
    assert "合计" in first and "780000.00" in first  # 120 × 6500.00
    assert "张敏明·阿卜杜" in "".join(pages)


def test_the_cjk_font_is_embedded():
    reader = PdfReader(io.BytesIO(render_summary_pdf(HEADER, lines(3))))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    embedded = [
        f.get_object() for f in fonts.values() if f.get_object()["/BaseFont"].startswith("/AAAAAA")
    ]
    assert embedded, "no subset TrueType font"
    descriptor = embedded[0]["/FontDescriptor"].get_object()
    assert "/FontFile2" in descriptor


def test_five_thousand_lines_with_progress():
    # The time target (< 3 s) is measured by bench/payroll_parts.py, not asserted here.
    seen = []
    pdf = render_summary_pdf(HEADER, lines(5000), progress=lambda done, total: seen.append(done))
    assert seen[0] == 500 and seen[-1] == 5000
    assert len(PdfReader(io.BytesIO(pdf)).pages) > 100


def test_an_empty_batch_still_renders():
    assert render_summary_pdf(HEADER, []).startswith(b"%PDF")


def test_a_many_page_summary_is_written_page_by_page_into_a_file(tmp_path):
    data = [replace(line, unit=f"第{line.line_id % 60:02d}劳务有限公司") for line in lines(3000)]
    path = tmp_path / "summary.pdf"
    with path.open("wb") as out:
        pages = write_summary_pdf(out, HEADER, data)
    texts = [page.extract_text() for page in PdfReader(path).pages]
    assert len(texts) == pages > 70
    # 60 units and their grand total do not fit under the title: the totals go on to page 2
    assert "第59劳务有限公司" not in texts[0] and "合计" in texts[1] and "19500000.00" in texts[1]
    assert "单位" in texts[1] and "序号" in texts[1]  # each grid's head row on each of its pages
    for number, text in enumerate(texts, start=1):
        assert f"第 {number} 页 / 共 {pages} 页" in text and ("序号" in text) == (number > 1)
        assert text.count("110105********002X") <= 40  # a full page holds 40 lines
    assert sum(text.count("110105********002X") for text in texts) == 3000
    assert "3000" in texts[-1] and "3000" not in texts[-2]


def test_pages_are_planned_with_the_head_row_on_each():
    # 41 rows of 12 pt fit a page: the head row and 40 lines; the first grid takes one head
    # row and the gap (5 mm) before the second
    pages = plan_pages(FRAME_TOP, [0, 100])
    assert [[(p.grid, p.start, p.stop) for p in page] for page in pages] == [
        [(0, 0, 0), (1, 0, 38)],
        [(1, 38, 78)],
        [(1, 78, 100)],
    ]
    assert pages[1][0].top == FRAME_TOP
