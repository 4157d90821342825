"""Identifier checks against the vectors of domain.md §2.2–2.3 and their wrong check characters."""

import pytest

from domain import checks
from domain.errors import InvalidInput

ID_VECTORS = ["11010519491231002X", "360426199101010071"]
USCC_VECTOR = "91110000600037341L"


@pytest.mark.parametrize("vector", ID_VECTORS)
def test_resident_id_vectors_pass(vector):
    assert checks.check_resident_id(vector) == vector
    assert checks.check_resident_id(vector.lower()) == vector


@pytest.mark.parametrize("vector", ID_VECTORS)
def test_every_wrong_id_check_character_is_refused(vector):
    for c in "0123456789X":
        if c == vector[-1]:
            continue
        with pytest.raises(InvalidInput) as err:
            checks.check_resident_id(vector[:-1] + c)
        assert err.value.field == "id_number"
        assert "校验位" in err.value.message("zh")
        assert "check character" in err.value.message("en")


@pytest.mark.parametrize(
    "value, reason",
    [
        ("1101051949123100", "18 位"),
        ("11010519491331002X", "出生日期"),  # month 13
        ("11010519490230002X", "出生日期"),  # 30 February
        ("1101051949123100AX", "格式"),
        ("", "18 位"),
    ],
)
def test_bad_resident_ids_name_the_reason(value, reason):
    with pytest.raises(InvalidInput) as err:
        checks.check_resident_id(value)
    assert reason in err.value.message()


def test_credit_code_vector_passes_both_checks():
    assert checks.check_credit_code(USCC_VECTOR) == USCC_VECTOR
    assert checks.uscc_check_char(USCC_VECTOR[:17]) == "L"
    assert checks.org_code_check_char(USCC_VECTOR[8:16]) == USCC_VECTOR[16]


def test_every_wrong_credit_code_check_character_is_refused():
    for c in checks.USCC_ALPHABET:
        if c != USCC_VECTOR[-1]:
            with pytest.raises(InvalidInput, match="check character"):
                checks.check_credit_code(USCC_VECTOR[:-1] + c)


def test_embedded_organisation_code_check_is_enforced():
    # Change the organisation check digit and re-seal the final check: only GB 11714 fails.
    body = USCC_VECTOR[:16] + ("1" if USCC_VECTOR[16] != "1" else "2")
    forged = body + checks.uscc_check_char(body)
    with pytest.raises(InvalidInput) as err:
        checks.check_credit_code(forged)
    assert "组织机构代码" in err.value.message()


@pytest.mark.parametrize("value", ["91110000600037341I", "9111000060003734", "91110000600037341l!"])
def test_credit_code_alphabet_and_length(value):
    with pytest.raises(InvalidInput):
        checks.check_credit_code(value)


def test_bank_card_luhn():
    assert checks.check_bank_card("6222 0200 0000 0100 14") == "622202000000010014"
    with pytest.raises(InvalidInput, match="check character"):
        checks.check_bank_card("622202000000010015")
    with pytest.raises(InvalidInput, match="12 to 19 digits"):
        checks.check_bank_card("62220")
    assert checks.luhn_check_digit("7992739871") == "3"


@pytest.mark.parametrize("value", ["1380000000", "23800000001", "138000000011", "1380000000a"])
def test_phone_refused(value):
    with pytest.raises(InvalidInput) as err:
        checks.check_phone(value)
    assert err.value.field == "phone"


def test_cnaps():
    assert checks.check_cnaps(" 105290036005 ") == "105290036005"
    for bad in ("10529003600", "1052900360051", "10529003600X", "１０５２９００３６００５"):
        assert not checks.is_cnaps(bad)
        with pytest.raises(InvalidInput):
            checks.check_cnaps(bad)


def test_is_bank_card_is_the_check_without_the_message():
    assert checks.is_bank_card("6222 0200 0000 0100 14")
    for bad in ("", "622202000000010015", "62220", "6222020000000100141234", "٦٢٢٢٠٢٠٠٠٠٠٠٠١٠٠١٤"):
        assert not checks.is_bank_card(bad)
    assert not checks.luhn_ok("") and not checks.luhn_ok("79927398x3")
    assert checks.luhn_ok("79927398713")


def test_resident_id_digits_are_ascii():
    with pytest.raises(InvalidInput, match="wrong format"):
        checks.check_resident_id("１１０１０５１９４９１２３１００２X")
