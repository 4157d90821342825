"""工人确认 rules without a database: what the digest covers, the effective state of a line, the
paper's type read from its bytes."""

from decimal import Decimal

import pytest

from domain.errors import InvalidInput
from domain.payroll.confirmation import line_digest, sniff_paper, state_of
from domain.payroll.model import LineConfirmation, WageLineRow


def line(**values) -> WageLineRow:
    base = {"days": 5, "makeup_days": 1, "day_rate": Decimal("410.00"), "gross": Decimal("2460.00"),
            "deductions": Decimal("0.00"), "deduction_reason": "", "net": Decimal("2460.00"),
            "bank_card": "6222020000000001", "amount_reason": ""}  # fmt: skip
    return WageLineRow(**{**base, **values})


def test_the_digest_covers_days_and_amounts_but_not_the_card_or_the_operators_note():
    same = line_digest(line())
    assert line_digest(line(gross=Decimal("2460"), net=Decimal("2460"))) == same
    assert line_digest(line(bank_card="6222020000000002", amount_reason="含奖金")) == same
    for change in ({"days": 4}, {"makeup_days": 0}, {"net": Decimal("2400.00")},
                   {"deductions": Decimal("60.00")}, {"deduction_reason": "借支"}):  # fmt: skip
        assert line_digest(line(**change)) != same, change


def test_a_confirmation_counts_only_for_the_amounts_confirmed():
    confirmed = LineConfirmation(state="confirmed", digest=line_digest(line()))
    assert state_of(line(), None).state == "pending"
    assert state_of(line(), confirmed).state == "confirmed" and state_of(line(), confirmed).counts
    changed = state_of(line(net=Decimal("1.00")), confirmed)
    assert changed.state == "pending" and changed.changed and not changed.counts
    legacy = LineConfirmation(state="confirmed", digest=None)  # confirmed before 0014_confirm
    assert state_of(line(net=Decimal("1.00")), legacy).counts
    for state in ("disputed", "resolved"):
        assert not state_of(line(), LineConfirmation(state=state, digest=line_digest(line()))).counts


@pytest.mark.parametrize(("data", "kind"), [(b"%PDF-1.7 x", "application/pdf"),
                                            (b"\xff\xd8\xff\xe0 x", "image/jpeg"),
                                            (b"\x89PNG\r\n\x1a\n x", "image/png")])  # fmt: skip
def test_the_papers_type_is_read_from_its_bytes(data, kind):
    assert sniff_paper(data) == kind


@pytest.mark.parametrize("data", [b"", b"GIF89a", b"<html>%PDF-", b"%PDF-" + b"0" * 5 * 1024 * 1024])
def test_other_files_are_refused(data):
    with pytest.raises(InvalidInput) as refused:
        sniff_paper(data)
    assert refused.value.field == "paper"
