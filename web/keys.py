"""Instance secrets generated at setup (never committed): they live in instance/.

The key makers (file name → maker) come from the composition root (``Wiring.key_makers``).
"""

import os
from collections.abc import Callable, Mapping
from pathlib import Path

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
