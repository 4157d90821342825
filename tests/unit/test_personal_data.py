"""Personal data at rest (domain/personal_data.py): AES-GCM with a key id per value, rotation,
the keyed search hash, the column types, and the audit log's masking — no app, no database."""

import pytest
from sqlalchemy import select
from sqlalchemy.dialects import sqlite

from domain import personal_data
from domain.audit import masked
from domain.model import Person
from domain.personal_data import Encrypted, KeyMissing, Keyring, new_keyring, normalise

ID = "11010519491231002X"


@pytest.fixture(autouse=True)
def _keep_the_process_keyring():
    saved = personal_data._loader, personal_data._keyring
    yield
    personal_data._loader, personal_data._keyring = saved


@pytest.fixture
def ring():
    keys = new_keyring()
    personal_data.install(lambda: keys)
    return keys


def test_a_value_is_encrypted_with_its_key_id_and_a_fresh_nonce(ring):
    sealed = ring.encrypt(ID)
    assert sealed.startswith("k1:") and ID not in sealed
    assert len(sealed) <= personal_data.CIPHER_LENGTH
    assert ring.encrypt(ID) != sealed  # a fresh nonce: equal values do not show as equal
    assert ring.decrypt(sealed) == ID
    card = ring.encrypt("6222020200112233445")  # the longest value stored
    assert len(card) <= personal_data.CIPHER_LENGTH


def test_rotation_reads_old_values_and_writes_with_the_new_key(ring):
    old = ring.encrypt(ID)
    rotated = ring.with_new_key()
    assert rotated.current == "k2" and rotated.hash_key == ring.hash_key
    assert rotated.decrypt(old) == ID and rotated.encrypt(ID).startswith("k2:")
    assert not rotated.is_current(old)
    without = rotated.without("k1")
    with pytest.raises(KeyMissing):
        without.decrypt(old)
    assert Keyring.from_json(rotated.to_json()) == rotated


def test_a_changed_ciphertext_is_refused(ring):
    sealed = ring.encrypt(ID)
    tampered = sealed[:-4] + ("AAAA" if sealed[-4:] != "AAAA" else "BBBB")
    with pytest.raises((KeyMissing, ValueError)):  # the tag does not match, or bad base64
        ring.decrypt(tampered)
    with pytest.raises(KeyMissing, match="does not decrypt"):  # same id, another key
        new_keyring().decrypt(sealed)


def test_the_search_hash_is_keyed_and_normalised(ring):
    assert ring.digest(ID) == ring.digest(" 11010519491231002x ") == ring.digest(normalise(ID))
    assert new_keyring().digest(ID) != ring.digest(ID)  # keyed: not a plain SHA-256
    assert len(ring.digest(ID)) == personal_data.HASH_LENGTH


def test_bytes_documents_round_trip(ring):
    xml = b"<Document>6222020200112233445</Document>"
    sealed = ring.encrypt_bytes(xml)
    assert sealed.startswith(b"k1:") and b"6222" not in sealed
    assert ring.decrypt_bytes(sealed) == xml


def test_the_column_type_encrypts_binds_and_keeps_empty_values(ring):
    kind = Encrypted()
    dialect = sqlite.dialect()
    stored = kind.process_bind_param(ID, dialect)
    assert stored.startswith("k1:") and kind.process_result_value(stored, dialect) == ID
    assert (
        kind.process_bind_param("", dialect) == ""
        and kind.process_bind_param(None, dialect) is None
    )


def test_an_encrypted_column_cannot_be_compared_in_sql(ring):
    with pytest.raises(TypeError, match="hash"):
        Person.id_number == ID  # noqa: B015
    with pytest.raises(TypeError):
        Person.bank_card.in_(["6222020200112233445"])
    where = str(select(Person.id).where(Person.id_number_is(ID)).compile())
    assert "id_number_hash" in where
    assert Person.phone.is_not(None) is not None  # IS NULL stays allowed


def test_no_keyring_is_a_clear_error():
    personal_data.install(lambda: (_ for _ in ()).throw(KeyMissing("no keys")))
    with pytest.raises(KeyMissing):
        personal_data.keyring()


def test_the_audit_log_gets_masked_values():
    before = {"id_number": ID, "bank_card": "6222020200112233445", "phone": "13812345678",
              "id_number_hash": "ab" * 32, "name": "张三", "username": "13812345678",
              "nested": {"old_card": "6222020200112233445"}}  # fmt: skip
    out = masked(before)
    assert out["id_number"] == "110105********002X"
    assert out["bank_card"] == "6222 **** **** 3445" and out["phone"] == "138****5678"
    assert out["username"] == "138****5678" and out["name"] == "张三"
    assert out["nested"]["old_card"] == "6222 **** **** 3445"
    assert "id_number_hash" not in out
    assert masked({"username": "gc_pm"}) == {"username": "gc_pm"}
