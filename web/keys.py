"""Instance secrets generated at setup (never committed): they live in instance/."""

import os
from collections.abc import Callable
from pathlib import Path

from web.settings import INSTANCE

KEY_MAKERS: dict[str, Callable[[Path], None]] = {}


def key_maker(filename: str):
    """Register a function that writes ``instance/<filename>`` when it is missing."""

    def register(fn):
        KEY_MAKERS[filename] = fn
        return fn

    return register


@key_maker("secret_key")
def _secret_key(path: Path) -> None:
    path.write_text(os.urandom(32).hex())


@key_maker("signin_ed25519.pem")
def _signin_key(path: Path) -> None:
    # Signs the personal construction codes (个人建设码); see domain/signin/tokens.py.
    from domain.signin.tokens import generate_key_pair, private_key_text

    path.write_text(private_key_text(generate_key_pair()[0]))


def ensure_keys(instance: Path = INSTANCE) -> list[str]:
    instance.mkdir(parents=True, exist_ok=True)
    done = []
    for filename, make in KEY_MAKERS.items():
        path = instance / filename
        if path.exists():
            continue
        make(path)
        os.chmod(path, 0o600) if path.is_file() else None
        done.append(f"created instance/{filename}")
    return done
