"""Personal construction code (个人建设码): a short-lived token signed with Ed25519.

Layout (big-endian): version 1 B, key id 1 B, person id 8 B, issued (Unix s) 4 B, lifetime (s)
2 B, nonce 4 B, then the 64-byte signature over those 20 bytes. Shown as ``PCC1:`` plus upper-case
base32 without padding (140 characters): every character is in the QR alphanumeric set, which
packs 5.5 bits per character against 8 for base64url, so the code fits QR version 6 (ECC M)
instead of 7. The signature does not stop a screenshot forwarded within its two minutes; the
nonce lets the server refuse a second use.
"""

import base64
import binascii
import os
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from domain.signin.errors import SignInRefused

PREFIX = "PCC1:"
VERSION = 1
LIFETIME_SECONDS = 120
_BODY = struct.Struct(">BBQIHI")  # version, key id, person, issued, lifetime, nonce
_SIGNATURE_LEN = 64
_TOKEN_LEN = len(PREFIX) + len(base64.b32encode(bytes(_BODY.size + _SIGNATURE_LEN)).rstrip(b"="))


@dataclass(frozen=True)
class CodeClaims:
    """What a genuine, current code says: whose it is, when it was issued and its nonce."""

    person_id: int
    issued_at: datetime
    expires_at: datetime
    nonce: int
    key_id: int


def _epoch(now: datetime) -> int:
    if now.tzinfo is None:
        raise ValueError("a timezone-aware datetime is required")
    return int(now.timestamp())


def issue_code(
    private_key: Ed25519PrivateKey, person_id: int, now: datetime, key_id: int = 1
) -> str:
    """Issue the personal construction code of ``person_id``, valid for 120 s from ``now``."""
    nonce = int.from_bytes(os.urandom(4), "big")
    body = _BODY.pack(VERSION, key_id, person_id, _epoch(now), LIFETIME_SECONDS, nonce)
    raw = body + private_key.sign(body)
    return PREFIX + base64.b32encode(raw).decode("ascii").rstrip("=")


def _decode(token: str) -> tuple[bytes, bytes]:
    if not isinstance(token, str) or len(token) != _TOKEN_LEN or not token.startswith(PREFIX):
        raise SignInRefused("code_malformed")
    text = token[len(PREFIX) :]
    try:
        raw = base64.b32decode(text + "=" * (-len(text) % 8))
    except (binascii.Error, ValueError):
        raise SignInRefused("code_malformed") from None
    return raw[: _BODY.size], raw[_BODY.size :]


def _key_for(public_key: Ed25519PublicKey | Mapping[int, Ed25519PublicKey], key_id: int):
    if not isinstance(public_key, Mapping):
        return public_key
    if key_id not in public_key:
        raise SignInRefused("code_forged")
    return public_key[key_id]


def verify_code(
    public_key: Ed25519PublicKey | Mapping[int, Ed25519PublicKey],
    token: str,
    now: datetime,
    skew_seconds: int = 10,
) -> CodeClaims:
    """Check a scanned code; raise ``SignInRefused`` (code_malformed, code_forged, code_expired,
    code_not_yet_valid). ``public_key`` may map key ids to keys during a key rotation.
    Clocks may disagree by ``skew_seconds`` either way, and by nothing more."""
    body, signature = _decode(token)
    version, key_id, person_id, issued, lifetime, nonce = _BODY.unpack(body)
    if version != VERSION:
        raise SignInRefused("code_malformed")
    try:
        _key_for(public_key, key_id).verify(signature, body)
    except InvalidSignature:
        raise SignInRefused("code_forged") from None
    moment = _epoch(now)
    if moment < issued - skew_seconds:
        raise SignInRefused("code_not_yet_valid")
    if moment > issued + lifetime + skew_seconds:
        raise SignInRefused("code_expired")
    issued_at = datetime.fromtimestamp(issued, UTC)
    return CodeClaims(person_id, issued_at, issued_at + timedelta(seconds=lifetime), nonce, key_id)


def generate_key_pair() -> tuple[Ed25519PrivateKey, Ed25519PublicKey]:
    """A new signing key pair, e.g. for ``flask setup`` to write into the configuration."""
    private_key = Ed25519PrivateKey.generate()
    return private_key, private_key.public_key()


def private_key_text(private_key: Ed25519PrivateKey) -> str:
    """The private key as unencrypted PKCS#8 PEM, for the configuration."""
    return private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")


def public_key_text(public_key: Ed25519PublicKey) -> str:
    """The public key as SubjectPublicKeyInfo PEM, for the configuration or offline scanners."""
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def _raw_key_bytes(text: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("key text is neither PEM nor base64 of 32 raw bytes") from None
    if len(raw) != 32:
        raise ValueError("key text is neither PEM nor base64 of 32 raw bytes")
    return raw


def load_private_key(text: str) -> Ed25519PrivateKey:
    """Read a private key from PEM, or from base64 of the 32 raw bytes (one line, env-friendly)."""
    if "-----BEGIN" in text:
        key = serialization.load_pem_private_key(text.encode("ascii"), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("the PEM key is not an Ed25519 private key")
        return key
    return Ed25519PrivateKey.from_private_bytes(_raw_key_bytes(text))


def load_public_key(text: str) -> Ed25519PublicKey:
    """Read a public key from PEM, or from base64 of the 32 raw bytes."""
    if "-----BEGIN" in text:
        key = serialization.load_pem_public_key(text.encode("ascii"))
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("the PEM key is not an Ed25519 public key")
        return key
    return Ed25519PublicKey.from_public_bytes(_raw_key_bytes(text))
