"""Instance secrets generated at setup (never committed): they live in instance/.

The key makers (file name → maker) come from the composition root (``Wiring.key_makers``).
"""

import os
from collections.abc import Callable, Mapping
from pathlib import Path

import click

from domain import personal_data
from domain.personal_data import KeyMissing, Keyring
from web.settings import INSTANCE


def ensure_keys(makers: Mapping[str, Callable[[Path], None]], instance: Path = INSTANCE) -> list[str]:
    """Create each missing ``instance/<name>`` with its maker; the lines to print."""
    instance.mkdir(parents=True, exist_ok=True)
    done = []
    for filename, make in makers.items():
        path = instance / filename
        if path.exists():
            continue
        make(path)
        if path.is_file():
            os.chmod(path, 0o600)
        done.append(f"created instance/{filename}")
    return done


# Tests (app.testing) without configured keys use this fixed keyring, so that every app of a
# test run reads the databases the others wrote; never used outside tests.
TEST_PII_KEYS = (
    '{"current": "k1", "keys": {"k1": "dGVzdC1rZXktZm9yLXRlc3RzLW9ubHktMzItYnl0ZSE="},'
    ' "hash_key": "dGVzdC1oYXNoLWtleS1mb3ItdGVzdHMtb25seSEhISE="}'
)


def pii_keys_text(config: Mapping) -> str:
    """The personal-data keyring's JSON: ``ZHUXIN_PII_KEYS``, else the file it names."""
    text = config.get("ZHUXIN_PII_KEYS") or ""
    path = config.get("ZHUXIN_PII_KEYS_FILE") or ""
    if config.get("TESTING") and path and Path(path) == INSTANCE / "pii_keys.json":
        path = ""  # tests never read a developer's instance keys: the fixed test keys instead
    if not text and path and Path(path).is_file():
        text = Path(path).read_text()
    if not text and config.get("TESTING"):
        text = TEST_PII_KEYS
    if not text:
        raise KeyMissing("no personal-data keys: run `flask --app web zhuxin keys` "
                         "or set ZHUXIN_PII_KEYS")  # fmt: skip
    return text


def install_pii_keys(config: Mapping) -> None:
    """The app's keyring for ``domain.personal_data``, read at its first use (so that
    ``flask zhuxin keys`` runs before the file exists)."""
    personal_data.install(lambda: Keyring.from_json(pii_keys_text(config)))


def _keys_file(config: Mapping) -> Path:
    if config.get("ZHUXIN_PII_KEYS"):
        raise click.UsageError("the keys come from ZHUXIN_PII_KEYS: change them there")
    return Path(config.get("ZHUXIN_PII_KEYS_FILE") or INSTANCE / "pii_keys.json")


def _save(path: Path, ring: Keyring) -> None:
    path.write_text(ring.to_json())
    os.chmod(path, 0o600)
    personal_data.install(lambda: ring)


def rotate_pii_key(config: Mapping) -> str:
    """Add a new key to the keys file and make it current; its id."""
    path = _keys_file(config)
    ring = Keyring.from_json(path.read_text()).with_new_key()
    _save(path, ring)
    return ring.current


def drop_old_pii_keys(config: Mapping) -> list[str]:
    """Remove every key but the current one from the keys file (after ``pii-reencrypt``)."""
    path = _keys_file(config)
    ring = Keyring.from_json(path.read_text())
    old = [k for k in ring.keys if k != ring.current]
    for key_id in old:
        ring = ring.without(key_id)
    _save(path, ring)
    return old
