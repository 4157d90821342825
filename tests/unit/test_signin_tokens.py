"""Personal construction code (个人建设码): issue, verify, refuse with a reason."""

import base64
from datetime import UTC, datetime, timedelta

import pytest

from domain.signin.errors import SignInRefused
from domain.signin.tokens import (
    PREFIX,
    generate_key_pair,
    issue_code,
    load_private_key,
    load_public_key,
    private_key_text,
    public_key_text,
    verify_code,
)

NOW = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)  # 07:30 in Shanghai
KEY, PUBLIC = generate_key_pair()


def refusal(token, now=NOW, key=PUBLIC, **kw) -> str:
    with pytest.raises(SignInRefused) as caught:
        verify_code(key, token, now, **kw)
    return caught.value.reason


def test_a_fresh_code_names_its_holder_and_lifetime():
    claims = verify_code(PUBLIC, issue_code(KEY, 4_200_001, NOW), NOW + timedelta(seconds=30))
    assert claims.person_id == 4_200_001
    assert claims.issued_at == NOW
    assert claims.expires_at == NOW + timedelta(seconds=120)


def test_the_code_is_short_and_qr_alphanumeric():
    token = issue_code(KEY, 2**63, NOW)
    alphanumeric = set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
    assert token.startswith(PREFIX) and len(token) == 140
    assert set(token) <= alphanumeric


def test_two_codes_for_the_same_moment_differ_by_nonce():
    first, second = issue_code(KEY, 7, NOW), issue_code(KEY, 7, NOW)
    assert first != second
    assert verify_code(PUBLIC, first, NOW).nonce != verify_code(PUBLIC, second, NOW).nonce


def test_a_code_signed_by_another_key_is_forged():
    other_key, _ = generate_key_pair()
    assert refusal(issue_code(other_key, 7, NOW)) == "code_forged"


def test_an_altered_person_id_is_forged():
    token = issue_code(KEY, 7, NOW)
    text = token[len(PREFIX) :]
    raw = bytearray(base64.b32decode(text + "=" * (-len(text) % 8)))
    raw[9] ^= 0x01  # last byte of the person id
    altered = PREFIX + base64.b32encode(bytes(raw)).decode().rstrip("=")
    assert refusal(altered) == "code_forged"


def test_an_altered_signature_is_forged():
    token = issue_code(KEY, 7, NOW)
    flipped = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    assert refusal(flipped) == "code_forged"


@pytest.mark.parametrize(
    "token",
    ["", "hello", "PCC1:", "PCC2:" + "A" * 135, "PCC1:" + "1" * 135, "pcc1:" + "a" * 135],
)
def test_anything_else_is_malformed(token):
    assert refusal(token) == "code_malformed"


def test_a_code_is_refused_after_its_lifetime_and_the_skew():
    token = issue_code(KEY, 7, NOW)
    assert verify_code(PUBLIC, token, NOW + timedelta(seconds=130)).person_id == 7
    assert refusal(token, NOW + timedelta(seconds=131)) == "code_expired"
    assert refusal(token, NOW + timedelta(seconds=121), skew_seconds=0) == "code_expired"


def test_a_code_from_a_clock_slightly_ahead_is_accepted_but_not_more():
    token = issue_code(KEY, 7, NOW + timedelta(seconds=10))
    assert verify_code(PUBLIC, token, NOW).person_id == 7
    ahead = issue_code(KEY, 7, NOW + timedelta(seconds=11))
    assert refusal(ahead) == "code_not_yet_valid"


def test_a_forged_code_is_reported_as_forged_even_when_also_expired():
    other_key, _ = generate_key_pair()
    assert refusal(issue_code(other_key, 7, NOW), NOW + timedelta(hours=1)) == "code_forged"


def test_rotation_picks_the_key_named_in_the_code():
    new_key, new_public = generate_key_pair()
    keys = {1: PUBLIC, 2: new_public}
    assert verify_code(keys, issue_code(new_key, 7, NOW, key_id=2), NOW).key_id == 2
    assert refusal(issue_code(new_key, 7, NOW, key_id=3), key=keys) == "code_forged"


def test_naive_datetimes_are_a_programming_error():
    with pytest.raises(ValueError):
        issue_code(KEY, 7, datetime(2026, 3, 3, 7, 30))


def test_keys_round_trip_through_pem_and_raw_base64():
    token = issue_code(load_private_key(private_key_text(KEY)), 7, NOW)
    assert verify_code(load_public_key(public_key_text(PUBLIC)), token, NOW).person_id == 7
    raw = base64.b64encode(PUBLIC.public_bytes_raw()).decode()
    assert verify_code(load_public_key(raw), token, NOW).person_id == 7
    raw_private = base64.b64encode(KEY.private_bytes_raw()).decode()
    assert verify_code(PUBLIC, issue_code(load_private_key(raw_private), 7, NOW), NOW)


@pytest.mark.parametrize("text", ["not a key", base64.b64encode(b"short").decode()])
def test_bad_key_text_is_a_configuration_error(text):
    with pytest.raises(ValueError):
        load_public_key(text)


def test_a_genuine_code_of_an_unknown_version_is_malformed():
    token = issue_code(KEY, 7, NOW)
    text = token[len(PREFIX) :]
    body = bytearray(base64.b32decode(text + "=" * (-len(text) % 8))[:20])
    body[0] = 2
    signed = bytes(body) + KEY.sign(bytes(body))
    assert refusal(PREFIX + base64.b32encode(signed).decode().rstrip("=")) == "code_malformed"
