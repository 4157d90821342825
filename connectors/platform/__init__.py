"""The national workers' platform's OpenAPI (全国建筑工人管理服务信息平台), as its public
integrations use it (domain.md §2.1 — third-party code, not the official 数据接口标准 PDF):

- every call is a form POST of ``appid, method, version=1.0, format=json, timestamp
  (yyyyMMddHHmmss), nonce, data`` (the JSON of the object) and ``sign``;
- ``sign`` = SHA-256 (hex) of the parameters sorted by name, joined as ``k=v&k=v``, lower-cased,
  with the app secret appended (``sign_params``);
- ID and bank card numbers inside ``data`` are AES-encrypted (``encrypt_field``): AES-128-CBC,
  PKCS#7 padding, key = the first 16 bytes of the app secret, IV = the key, Base64 — the usual
  convention of those integrations; the one place to change if the official standard differs;
- writes are asynchronous: the answer carries a ``requestSerialCode``; its outcome is read
  with ``AsyncHandleResult.Query`` (processing / success / failed with the reason).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

import requests
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

VERSION = "1.0"
QUERY = "AsyncHandleResult.Query"
PROCESSING, SUCCESS, FAILED = "processing", "success", "failed"


@cache
def codes() -> dict[str, dict[str, str]]:
    """The code tables (connectors/platform/codes.toml): ours → the platform's."""
    return tomllib.loads(Path(__file__).with_name("codes.toml").read_text("utf-8"))


def sign_params(params: dict[str, str], secret: str) -> str:
    text = "&".join(f"{k}={params[k]}" for k in sorted(params) if k != "sign")
    return hashlib.sha256((text.lower() + secret).encode("utf-8")).hexdigest()


def _cipher(secret: str) -> Cipher:
    key = secret.encode("utf-8")[:16].ljust(16, b"\0")
    return Cipher(algorithms.AES(key), modes.CBC(key))


def encrypt_field(value: str, secret: str) -> str:
    padder = padding.PKCS7(128).padder()
    data = padder.update(value.encode("utf-8")) + padder.finalize()
    encryptor = _cipher(secret).encryptor()
    return base64.b64encode(encryptor.update(data) + encryptor.finalize()).decode("ascii")


def decrypt_field(value: str, secret: str) -> str:
    decryptor = _cipher(secret).decryptor()
    data = decryptor.update(base64.b64decode(value)) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    return (unpadder.update(data) + unpadder.finalize()).decode("utf-8")


class PlatformUnavailable(RuntimeError):
    """No answer, or an answer that is not the platform's (retry later: the engine does)."""


class PlatformRefused(RuntimeError):
    """The platform refused the call itself (signature, appid, malformed data)."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code} {message}")
        self.code, self.message = code, message


@dataclass(frozen=True)
class AsyncResult:
    status: str  # processing | success | failed
    reason: str = ""
    result: dict | None = None  # e.g. the teamSysNo the platform assigned


class PlatformClient:
    def __init__(self, url: str, appid: str, secret: str, timeout: float = 20,
                 now: Callable[[], datetime] = datetime.now):  # fmt: skip
        self.url, self.appid, self.secret, self.timeout, self.now = url, appid, secret, timeout, now
        self.session = requests.Session()

    def params(self, method: str, data: dict) -> dict[str, str]:
        params = {"appid": self.appid, "method": method, "version": VERSION, "format": "json",
                  "timestamp": self.now().strftime("%Y%m%d%H%M%S"), "nonce": secrets.token_hex(8),
                  "data": json.dumps(data, ensure_ascii=False, separators=(",", ":"))}  # fmt: skip
        params["sign"] = sign_params(params, self.secret)
        return params

    def call(self, method: str, data: dict) -> dict:
        try:
            response = self.session.post(self.url, data=self.params(method, data), timeout=self.timeout)
            answer = response.json()
        except (requests.RequestException, ValueError) as error:
            raise PlatformUnavailable(f"{method}: {error}") from error
        if response.status_code >= 500:
            raise PlatformUnavailable(f"{method}: HTTP {response.status_code}")
        if str(answer.get("code")) != "0":
            raise PlatformRefused(str(answer.get("code")), str(answer.get("message", "")))
        return answer.get("data") or {}

    def submit(self, method: str, data: dict) -> str:
        """A write: the ``requestSerialCode`` to ask about later."""
        code = self.call(method, data).get("requestSerialCode")
        if not code:
            raise PlatformUnavailable(f"{method}: no requestSerialCode in the answer")
        return str(code)

    def result(self, request_serial_code: str) -> AsyncResult:
        data = self.call(QUERY, {"requestSerialCode": request_serial_code})
        status = str(data.get("status", PROCESSING))
        return AsyncResult(status, str(data.get("message", "")), data.get("result"))

    def encrypt(self, value: str) -> str:
        return encrypt_field(value, self.secret)
