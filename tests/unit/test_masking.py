"""The one masked form of ID numbers and bank cards (domain.masking) and where it is used."""

import re
from pathlib import Path

import pytest

from domain.masking import mask_card, mask_id_number
from domain.model import Person
from domain.payroll.model import LinePayment, WageLineRow

ROOT = Path(__file__).resolve().parents[2]


def test_id_number_shows_region_and_last_four():
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_id_number(" 360426199101010071 ") == "360426********0071"
    assert mask_id_number("110105491231002") == "110105*****1002"  # 15-digit (first generation)
    assert mask_id_number("1234567890") == "**********"
    assert mask_id_number("") == mask_id_number(None) == ""


def test_card_shows_first_and_last_four():
    assert mask_card("6222020200112233445") == "6222 **** **** 3445"
    assert mask_card("6222 0200 0000 0100 14") == "6222 **** **** 0014"
    assert mask_card("622202000000") == "6222 **** **** 0000"
    assert mask_card("62220200") == "********"
    assert mask_card("") == mask_card(None) == ""


def test_the_tables_mask_the_same_way():
    person = Person(id_number="11010519491231002X", bank_card="622202000000010014")
    line = WageLineRow(id_number="11010519491231002X", bank_card="622202000000010014")
    paid = LinePayment(bank_card="622202000000010014")
    assert person.masked_id == line.masked_id == "110105********002X"
    assert person.masked_card == line.masked_card == paid.masked_card == "6222 **** **** 0014"


PY_MASKS = re.compile(r"""\[:6\]|\[14:\]|\[-4:\]|["']\*["'] \*|\*\*\*\*""")
JINJA_MASKS = re.compile(r"(id_number|bank_card)\s*\[|\*\*\*\*")


@pytest.mark.parametrize("package", ["domain", "web", "connectors"])
def test_no_masking_by_hand_outside_domain_masking(package):
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted((ROOT / package).rglob("*.py"))
        if path != ROOT / "domain" / "masking.py"
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if PY_MASKS.search(line)
    ]
    assert not found


def test_templates_show_masked_values_from_the_one_function():
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted((ROOT / "web" / "templates").rglob("*.html"))
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if JINJA_MASKS.search(line)
    ]
    assert not found
