"""Checks of identifiers: resident ID number, unified social credit code, bank card, phone, CNAPS.

The one home of these rules: each ``check_*`` returns the normalised value or raises
``InvalidInput`` naming the field; each ``is_*`` answers yes or no (for checks that report
findings of their own, such as the wage table's). Masked forms are in ``domain.masking``.
"""

import re
from datetime import date

from domain.clock import today_in_shanghai
from domain.errors import InvalidInput
from domain.i18n import Text

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"  # (12 - sum mod 11) mod 11, written as a lookup on sum mod 11
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

BAD_ID = Text("身份证号码不正确：{reason}", "Invalid resident ID number: {reason_en}")
BAD_USCC = Text(
    "统一社会信用代码不正确：{reason}", "Invalid unified social credit code: {reason_en}"
)
BAD_CARD = Text("银行卡号不正确：{reason}", "Invalid bank card number: {reason_en}")
BAD_PHONE = Text(
    "手机号码不正确，应为 11 位数字并以 1 开头", "Invalid mobile number: 11 digits starting with 1"
)
BAD_CNAPS = Text("联行号不正确，应为 12 位数字", "Invalid CNAPS bank code: 12 digits expected")
REQUIRED = Text("【{label}】不能为空", "{label_en} is required")

R_LENGTH = Text("应为 18 位", "18 characters expected")
R_FORMAT = Text("格式不正确", "wrong format")
R_BIRTH = Text("出生日期不存在", "birth date does not exist")
R_CHECK = Text("校验位不符", "check character does not match")
R_ORG = Text("组织机构代码校验位不符", "organisation code check character does not match")
R_CARD_DIGITS = Text("应为 12–19 位数字", "12 to 19 digits expected")


def _refuse(text: Text, field: str, reason: Text):
    raise InvalidInput(text, field=field, reason=reason.zh, reason_en=reason.en)


def resident_id_check_char(first17: str) -> str:
    """GB 11643-1999 check character (ISO 7064 MOD 11-2) for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def check_resident_id(value: str, field: str = "id_number") -> str:
    """公民身份号码: 18 characters, real birth date, MOD 11-2 check character."""
    v = (value or "").strip().upper()
    if len(v) != 18:
        _refuse(BAD_ID, field, R_LENGTH)
    if not re.fullmatch(r"\d{17}[\dX]", v, re.ASCII):
        _refuse(BAD_ID, field, R_FORMAT)
    try:
        born = date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        _refuse(BAD_ID, field, R_BIRTH)
    if born.year < 1900 or born > today_in_shanghai():
        _refuse(BAD_ID, field, R_BIRTH)
    if resident_id_check_char(v[:17]) != v[17]:
        _refuse(BAD_ID, field, R_CHECK)
    return v


def uscc_check_char(first17: str) -> str:
    """GB 32100-2015 check character of a unified social credit code."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    """GB 11714 check character of the organisation code embedded at positions 9–17."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first8, ORG_WEIGHTS, strict=True))
    c = 11 - total % 11
    return {10: "X", 11: "0"}.get(c, str(c))


def check_credit_code(value: str, field: str = "credit_code") -> str:
    """统一社会信用代码: alphabet, GB 32100 check character and the embedded GB 11714 check."""
    v = (value or "").strip().upper()
    if len(v) != 18:
        _refuse(BAD_USCC, field, R_LENGTH)
    if any(c not in USCC_ALPHABET for c in v):
        _refuse(BAD_USCC, field, R_FORMAT)
    if uscc_check_char(v[:17]) != v[17]:
        _refuse(BAD_USCC, field, R_CHECK)
    if org_code_check_char(v[8:16]) != v[16]:
        _refuse(BAD_USCC, field, R_ORG)
    return v


def bank_card_digits(value: str | None) -> str:
    """A card number as typed or imported, without its spaces."""
    return "".join((value or "").split())


def luhn_ok(digits: str) -> bool:
    """Luhn (mod 10) check of a string of digits (False for anything else)."""
    if not (digits.isascii() and digits.isdigit()):
        return False
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def luhn_check_digit(partial: str) -> str:
    """The digit that makes ``partial`` + digit pass the Luhn check."""
    return next(str(d) for d in range(10) if luhn_ok(partial + str(d)))


def _card_format_ok(digits: str) -> bool:
    return re.fullmatch(r"\d{12,19}", digits, re.ASCII) is not None


def is_bank_card(value: str | None) -> bool:
    """A bank card number (银行卡号): 12–19 digits (spaces ignored) passing the Luhn check."""
    digits = bank_card_digits(value)
    return _card_format_ok(digits) and luhn_ok(digits)


def check_bank_card(value: str, field: str = "bank_card") -> str:
    """Bank card number (银行卡号): 12–19 digits, Luhn check."""
    v = bank_card_digits(value)
    if not _card_format_ok(v):
        _refuse(BAD_CARD, field, R_CARD_DIGITS)
    if not luhn_ok(v):
        _refuse(BAD_CARD, field, R_CHECK)
    return v


def check_phone(value: str, field: str = "phone") -> str:
    """A mainland mobile number: 11 digits starting with 13–19."""
    v = (value or "").strip()
    if not re.fullmatch(r"1[3-9]\d{9}", v, re.ASCII):
        raise InvalidInput(BAD_PHONE, field=field)
    return v


def is_cnaps(value: str | None) -> bool:
    """A CNAPS bank code (联行号): 12 digits."""
    return re.fullmatch(r"\d{12}", (value or "").strip(), re.ASCII) is not None


def check_cnaps(value: str, field: str = "bank_cnaps") -> str:
    """12-digit CNAPS bank code (联行号)."""
    v = (value or "").strip()
    if not is_cnaps(v):
        raise InvalidInput(BAD_CNAPS, field=field)
    return v


def require(value: str | None, field: str, label: str, label_en: str) -> str:
    v = (value or "").strip()
    if not v:
        raise InvalidInput(REQUIRED, field=field, label=label, label_en=label_en)
    return v
