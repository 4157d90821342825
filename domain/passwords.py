"""Password hashing with argon2id."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from domain.errors import InvalidInput
from domain.i18n import Text

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# A password that no input verifies (not an argon2 hash): a worker's account before he set his.
UNUSABLE = "!unset"
MIN_LENGTH, MAX_LENGTH = 8, 128
TOO_SHORT = Text("密码至少 {n} 位", "The password needs at least {n} characters")
TOO_LONG = Text("密码最多 {n} 位", "The password may have at most {n} characters")
TOO_SIMPLE = Text("密码须同时含有字母和数字", "The password needs both letters and digits")
NOT_SAME = Text("两次输入的密码不一致", "The two passwords differ")


def check_new_password(password: str, again: str) -> str:
    """A new password: 8–128 characters with letters and digits, typed twice the same."""
    if len(password) < MIN_LENGTH:
        raise InvalidInput("password_too_short", TOO_SHORT, field="password", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        raise InvalidInput("password_too_long", TOO_LONG, field="password", n=MAX_LENGTH)
    if not (any(c.isalpha() for c in password) and any(c.isdigit() for c in password)):
        raise InvalidInput("password_too_simple", TOO_SIMPLE, field="password")
    if password != again:
        raise InvalidInput("password_mismatch", NOT_SAME, field="password_again")
    return password


def has_password(password_hash: str) -> bool:
    return password_hash != UNUSABLE
