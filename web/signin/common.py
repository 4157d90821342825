"""What the sign-in views share: the code keys, parsing a location fix, answering refusals."""

import math
from datetime import UTC, datetime

from flask import current_app, request

from domain.signin.coords import Point
from domain.signin.geofence import LocationFix
from domain.signin.service import CodeCheck
from domain.signin.tokens import generate_key_pair, load_private_key


class CodeKeys:
    """The app's signing key and the matching check, loaded once per process."""

    def __init__(self, app):
        text = app.config.get("ZHUXIN_SIGNIN_KEY") or ""
        path = app.config.get("ZHUXIN_SIGNIN_KEY_FILE") or ""
        if not text and path:
            try:
                with open(path) as f:
                    text = f.read()
            except FileNotFoundError:
                text = ""
        if text:
            self.private_key = load_private_key(text)
        elif app.testing:  # tests without a configured key get their own
            self.private_key = generate_key_pair()[0]
        else:
            raise RuntimeError("no sign-in key: run `flask --app web zhuxin keys`")
        self.check = CodeCheck(self.private_key.public_key(), app.config["ZHUXIN_SIGNIN_SKEW_S"])


def code_keys() -> CodeKeys:
    app = current_app._get_current_object()
    keys = app.extensions.get("zhuxin_signin_keys")
    if keys is None:
        keys = app.extensions["zhuxin_signin_keys"] = CodeKeys(app)
    return keys


def now() -> datetime:
    return datetime.now(UTC)


def _number(source, name: str) -> float | None:
    raw = source.get(name)
    if raw in (None, ""):
        return None
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def parse_fix(source) -> tuple[LocationFix | None, str | None]:
    """``lat``, ``lng``, ``accuracy`` and ``location_error`` from a form, query or JSON body."""
    error = source.get("location_error") or None
    lat, lng = _number(source, "lat"), _number(source, "lng")
    if lat is None or lng is None:
        return None, error
    try:
        return LocationFix(Point(lat, lng), _number(source, "accuracy")), error
    except ValueError:
        return None, error


def device() -> str:
    return request.headers.get("User-Agent", "")[:200]
