"""Time the pure payroll parts on a 5,000-line batch: summary PDF, two signatures, pain.001.

Run: .venv/bin/python bench/payroll_parts.py [lines]   (prints a table; best of 3 runs each)
"""

from __future__ import annotations

import sys
import time
from datetime import date
from decimal import Decimal

from connectors.bank_iso20022 import (
    DebtorAccount,
    PaymentBatch,
    build_pain001,
    transfers_from_lines,
    validate_pain001,
)
from connectors.signing import generate_test_pki, sign_as_enterprise, sign_as_pm, verify_pdf
from connectors.summary_pdf import SummaryHeader, register_font, render_summary_pdf
from domain.payroll.lines import WageLine, canonical_lines_digest, validate_lines
from domain.payroll.period import pay_period_for

PERIOD = pay_period_for("2025-11", 25)
CARD = "6222020200112233445"  # Luhn-valid


def make_lines(count: int) -> list[WageLine]:
    trades = ("木工", "钢筋工", "电焊工", "水电工", "架子工")
    return [
        WageLine(
            i,
            f"工人{i:05d}",
            "11010519491231002X",
            trades[i % 5],
            f"第{i % 20 + 1}劳务分包公司",
            22,
            i % 2,
            Decimal("320.00"),
            Decimal("7360.00") + (i % 2) * 320,
            Decimal("60.00"),
            "借支",
            Decimal("7300.00") + (i % 2) * 320,
            CARD,
            "中国工商银行上海市分行",
            "102290000018",
        )
        for i in range(1, count + 1)
    ]


def best_of(runs: int, action):
    best, result = float("inf"), None
    for _ in range(runs):
        started = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - started)
    return best, result


def main(count: int = 5000) -> None:
    lines = make_lines(count)
    header = SummaryHeader(
        "徐汇滨江项目", "XHBJ-202511-01", "2025年11月", PERIOD, "上海某某建设集团"
    )
    pki = generate_test_pki("pm-pass", "ent-pass")
    register_font()
    rows = []
    seconds, _ = best_of(3, lambda: validate_lines(lines, PERIOD))
    rows.append(("validate_lines", seconds, ""))
    seconds, digest = best_of(3, lambda: canonical_lines_digest(lines))
    rows.append(("canonical_lines_digest", seconds, digest[:16] + "…"))
    seconds, pdf = best_of(3, lambda: render_summary_pdf(header, lines))
    rows.append(("summary PDF (ReportLab + WQY)", seconds, f"{len(pdf) / 1024:.0f} KiB"))
    seconds, once = best_of(3, lambda: sign_as_pm(pdf, pki.pm, "pm-pass"))
    rows.append(("PM signature (pyHanko)", seconds, ""))
    seconds, twice = best_of(3, lambda: sign_as_enterprise(once, pki.enterprise_p12, "ent-pass"))
    rows.append(("enterprise signature (pyHanko)", seconds, f"{len(twice) / 1024:.0f} KiB"))
    seconds, report = best_of(3, lambda: verify_pdf(twice, [pki.root]))
    rows.append(("verify both signatures", seconds, "ok" if report.ok else "NOT OK"))
    debtor = DebtorAccount("专户", "3100123456789012", "102290000018", "工商银行")
    batch = PaymentBatch(
        "XHBJ-202511-01",
        debtor,
        transfers_from_lines(lines, "工资 2025-11"),
        date(2025, 12, 5),
        "上海某某建设集团",
    )
    seconds, xml = best_of(3, lambda: build_pain001(batch))
    rows.append(("pain.001 build", seconds, f"{len(xml) / 1024:.0f} KiB"))
    seconds, errors = best_of(3, lambda: validate_pain001(xml))
    rows.append(("pain.001 XSD validate", seconds, "valid" if not errors else errors[0]))
    print(f"payroll parts, {count} lines (best of 3)")
    print(f"{'step':<32}{'seconds':>9}  note")
    for name, seconds, note in rows:
        print(f"{name:<32}{seconds:>9.3f}  {note}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
