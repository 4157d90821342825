"""Personal data at rest (个人信息保护法, PIPL): ID numbers, bank card numbers and phone numbers are
stored encrypted with AES-GCM, each value carrying the id of its key (``k1:`` + base64 of
nonce ‖ ciphertext), so that keys can rotate; an exact-match search goes through a keyed hash
(HMAC-SHA256 with a key of its own) in a separate indexed column.

In Python the attributes stay plain text: ``Encrypted`` (a column type) encrypts on the way to
the database and decrypts on the way back, and ``PersonalHashes`` keeps each ``*_hash`` column
equal to the keyed hash of its value at every flush.  A comparison of an encrypted column in SQL
would compare ciphertexts (a fresh nonce each time, so never equal): it raises instead; compare
the hash column (``Person.id_number_is(value)``).

The keyring is the process's one set of keys, installed by the app factory from configuration
(``web/keys.py``): ``install(loader)`` takes a callable, so the keys are read at first use.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import LargeBinary, String, column, event, inspect, select, table
from sqlalchemy.orm import Session
from sqlalchemy.sql import operators
from sqlalchemy.types import TypeDecorator

NONCE_BYTES = 12
# Wide enough for an 18-character ID number or a 19-digit card: "k12:" + base64(12 + 19 + 16).
CIPHER_LENGTH = 120
HASH_LENGTH = 64


class KeyMissing(RuntimeError):
    """A stored value names a key id the keyring does not hold, or no keyring is installed."""


@dataclass(frozen=True)
class Keyring:
    """The AES-256 keys by id, the id new values are encrypted with, and the hash key."""

    current: str
    keys: Mapping[str, bytes]
    hash_key: bytes
    _ciphers: dict[str, AESGCM] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.current not in self.keys:
            raise KeyMissing(f"the current key {self.current!r} is not among the keys")
        for key_id, key in self.keys.items():
            if ":" in key_id or len(key) != 32:
                raise ValueError(f"key {key_id!r}: an id without ':' and 32 bytes are needed")
            self._ciphers[key_id] = AESGCM(bytes(key))

    def encrypt(self, plain: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._ciphers[self.current].encrypt(nonce, plain.encode(), None)
        return f"{self.current}:" + base64.b64encode(nonce + sealed).decode("ascii")

    def decrypt(self, stored: str) -> str:
        key_id, _, body = stored.partition(":")
        return self.open_bytes(key_id, base64.b64decode(body)).decode()

    def encrypt_bytes(self, plain: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return f"{self.current}:".encode() + nonce + self._ciphers[self.current].encrypt(nonce, plain, None)  # fmt: skip

    def decrypt_bytes(self, stored: bytes) -> bytes:
        key_id, _, body = bytes(stored).partition(b":")
        return self.open_bytes(key_id.decode("ascii", "replace"), body)

    def open_bytes(self, key_id: str, body: bytes) -> bytes:
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise KeyMissing(f"no personal-data key {key_id!r} in the keyring")
        try:
            return cipher.decrypt(body[:NONCE_BYTES], body[NONCE_BYTES:], None)
        except InvalidTag:  # cryptography says nothing more: name the likely cause
            raise KeyMissing(
                f"a value under key {key_id!r} does not decrypt: the keyring holds "
                "another key of that id (a process started with other keys?)"
            ) from None

    def digest(self, value: str) -> str:
        """The keyed hash of a normalised value (upper case, no spaces), hex."""
        return hmac.new(self.hash_key, normalise(value).encode(), hashlib.sha256).hexdigest()

    def is_current(self, stored: str | bytes) -> bool:
        prefix = self.current + ":"
        if isinstance(stored, str):
            return stored.startswith(prefix)
        return bytes(stored).startswith(prefix.encode())

    # The stored form (instance/pii_keys.json, or ZHUXIN_PII_KEYS): base64 keys.
    @classmethod
    def from_json(cls, text: str) -> Keyring:
        data = json.loads(text)
        keys = {k: base64.b64decode(v) for k, v in data["keys"].items()}
        return cls(data["current"], keys, base64.b64decode(data["hash_key"]))

    def to_json(self) -> str:
        keys = {k: base64.b64encode(v).decode() for k, v in self.keys.items()}
        data = {"current": self.current, "keys": keys,
                "hash_key": base64.b64encode(self.hash_key).decode()}  # fmt: skip
        return json.dumps(data, indent=2) + "\n"

    def with_new_key(self) -> Keyring:
        """This keyring plus a fresh key, made current (``k<n+1>``); the hash key stays."""
        numbers = [int(k[1:]) for k in self.keys if k[:1] == "k" and k[1:].isdigit()]
        key_id = f"k{max(numbers, default=0) + 1}"
        return Keyring(key_id, {**self.keys, key_id: AESGCM.generate_key(256)}, self.hash_key)

    def without(self, key_id: str) -> Keyring:
        return Keyring(self.current, {k: v for k, v in self.keys.items() if k != key_id},
                       self.hash_key)  # fmt: skip


def new_keyring() -> Keyring:
    return Keyring("k1", {"k1": AESGCM.generate_key(256)}, os.urandom(32))


def normalise(value: str) -> str:
    """What is hashed: upper case (an ID number's final X), without spaces."""
    return "".join((value or "").split()).upper()


# The process's keyring: a loader installed by the app factory, called once at first use.
_loader: Callable[[], Keyring] | None = None
_keyring: Keyring | None = None


def install(loader: Callable[[], Keyring]) -> None:
    global _loader, _keyring
    _loader, _keyring = loader, None


def keyring() -> Keyring:
    global _keyring
    if _keyring is None:
        if _loader is None:
            raise KeyMissing("no personal-data keys installed (the app factory installs them)")
        _keyring = _loader()
    return _keyring


def digest(value: str) -> str:
    return keyring().digest(value)


class Encrypted(TypeDecorator):
    """A text column stored AES-GCM encrypted; ``None`` and ``""`` are stored as they are."""

    impl = String(CIPHER_LENGTH)
    cache_ok = True

    class comparator_factory(String.Comparator):  # noqa: N801 — SQLAlchemy's hook name
        def operate(self, op, *other, **kwargs):
            if op not in (operators.is_, operators.is_not):
                raise TypeError("an encrypted column cannot be compared in SQL: use its hash")
            return super().operate(op, *other, **kwargs)

    def process_bind_param(self, value: Any, dialect) -> Any:
        return keyring().encrypt(value) if value else value

    def process_result_value(self, value: Any, dialect) -> Any:
        return keyring().decrypt(value) if value else value


class EncryptedBytes(TypeDecorator):
    """A binary document stored AES-GCM encrypted (the bank file holds every card number)."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: Any, dialect) -> Any:
        return keyring().encrypt_bytes(bytes(value)) if value else value

    def process_result_value(self, value: Any, dialect) -> Any:
        return keyring().decrypt_bytes(value) if value else value


class PersonalHashes:
    """A mapped class with ``__hashed__ = {"id_number": "id_number_hash", …}``: each hash column
    holds the keyed hash of its value (None for an empty value), kept at every flush."""

    __hashed__: dict[str, str] = {}


@event.listens_for(Session, "before_flush")
def _keep_hashes(session, _flush_context, _instances):
    for obj in list(session.new) + list(session.dirty):
        hashed = getattr(obj, "__hashed__", None)
        if not hashed:
            continue
        state = inspect(obj)
        for name, hash_name in hashed.items():
            if state.persistent and not state.attrs[name].history.has_changes():
                continue
            value = getattr(obj, name)
            setattr(obj, hash_name, digest(value) if value else None)


# Every encrypted column of the schema: (table, column, hash column or None); the migration
# and ``reencrypt`` walk it.
ENCRYPTED_COLUMNS: tuple[tuple[str, str, str | None], ...] = (
    ("person", "id_number", "id_number_hash"),
    ("person", "phone", "phone_hash"),
    ("person", "bank_card", "bank_card_hash"),
    ("user", "phone", "phone_hash"),
    ("wage_line", "id_number", None),
    ("wage_line", "bank_card", None),
    ("wage_line_payment", "bank_card", None),
    ("bank_card_change", "bank_card", None),
    ("bank_card_change", "old_card", None),
)
ENCRYPTED_DOCUMENTS: tuple[tuple[str, str], ...] = (
    ("bank_submission", "xml"),  # the pain.001: every worker's card
    ("bank_file", "content"),  # the same in a bank's batch-file layout, and its result files
    ("bank_statement", "content"),  # the camt.053: every payee and account
)


def reencrypt(session: Session) -> dict[str, int]:
    """Encrypt again with the current key every value stored under another key id; the counts
    by ``table.column``.  Read and written as stored (no column type in between)."""
    ring, counts = keyring(), {}
    for name, col in [(t, c) for t, c, _ in ENCRYPTED_COLUMNS] + list(ENCRYPTED_DOCUMENTS):
        rows = table(name, column("id"), column(col))
        done = 0
        for row_id, stored in session.execute(select(rows.c.id, rows.c[col])).all():
            stored = bytes(stored) if isinstance(stored, memoryview) else stored
            if not stored or ring.is_current(stored):
                continue
            if isinstance(stored, str):
                fresh: str | bytes = ring.encrypt(ring.decrypt(stored))
            else:
                fresh = ring.encrypt_bytes(ring.decrypt_bytes(stored))
            session.execute(rows.update().where(rows.c.id == row_id).values({col: fresh}))
            done += 1
        counts[f"{name}.{col}"] = done
    return counts


def with_hashes(cls, values: dict) -> dict:
    """``values`` of a row of ``cls`` for a bulk INSERT (no flush: no hook) with its hashes."""
    hashed = {h: digest(values[n]) if values.get(n) else None for n, h in cls.__hashed__.items()}
    return {**values, **hashed}
