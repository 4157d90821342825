"""A simulator of the national workers' platform's OpenAPI, as a separate process.

    .venv/bin/python tools/platform_sim.py --port 8091 --appid zhuxin-demo --secret <secret>

It behaves as the platform does for an integration (domain.md §2.1), so that zhuxin's uploader
is tested against a counterparty and not against a mock in its own process: it checks the
appid, the timestamp (±10 min), the nonce (never twice) and the SHA-256 signature; decrypts the
AES fields; checks the required fields of each method, the code values against the platform's
dictionaries (connectors/platform/codes.toml: the platform's tables), ≤ 20 attendance records
per call, WGS-84 points inside China, and that teams and workers name a participant / team it
has accepted; and answers asynchronously — a write gets a ``requestSerialCode`` whose outcome
(success, or failed with the reason) ``AsyncHandleResult.Query`` gives after ``--delay``
seconds.  Its own code here, written from the transport description, not shared with zhuxin's
client: a wrong signature or cipher on either side fails.

Control (for tests and demos, not part of the platform):
  POST /_sim/refuse  {"method": "ProjectWorker.Add", "field": "idCardNumber", "value": "…",
                      "reason": "…"}   refuse matching records (decrypted values) from now on
  DELETE /_sim/refuse                  refuse nothing
  GET /_sim/records?method=…           the accepted records, decrypted
  GET /_sim/health
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import re
import threading
import time
import tomllib
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlparse

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

CODES = tomllib.loads((Path(__file__).resolve().parent.parent / "connectors/platform/codes.toml").read_text("utf-8"))
ID = re.compile(r"^\d{17}[\dX]$")
CARD = re.compile(r"^\d{12,19}$")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,3})?$")
MONTH = re.compile(r"^\d{4}-\d{2}$")
ENCRYPTED = {"idCardNumber", "payRollBankCardNumber", "teamLeaderIdNumber"}


class Refusal(Exception):
    """The envelope is refused at once (code ≠ 0)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


class Invalid(Exception):
    """A record is refused: the request's asynchronous outcome is failed with this reason."""


def _values(table: str) -> set[str]:
    return set(CODES[table].values())


class Platform:
    def __init__(self, appid: str, secret: str, delay: float):
        self.appid, self.secret, self.delay = appid, secret, delay
        self.lock = threading.Lock()
        self.nonces: set[str] = set()
        self.requests: dict[str, dict] = {}
        self.records: dict[str, list[dict]] = {}
        self.participants: set[tuple[str, str]] = set()
        self.teams: dict[str, tuple[str, str, str]] = {}  # teamSysNo → project, corp, name
        self.refusals: list[dict] = []
        self.serial = 0

    # -- the envelope ---------------------------------------------------------------------
    def check_envelope(self, form: dict[str, str]) -> None:
        for name in ("appid", "method", "version", "format", "timestamp", "nonce", "data", "sign"):
            if not form.get(name):
                raise Refusal("1002", f"缺少参数 {name}")
        if form["appid"] != self.appid:
            raise Refusal("1003", "appid 无效")
        try:
            sent = datetime.strptime(form["timestamp"], "%Y%m%d%H%M%S")
        except ValueError:
            raise Refusal("1004", "timestamp 格式错误") from None
        if abs(datetime.now() - sent) > timedelta(minutes=10):
            raise Refusal("1004", "timestamp 已过期")
        text = "&".join(f"{k}={form[k]}" for k in sorted(form) if k != "sign")
        expected = hashlib.sha256((text.lower() + self.secret).encode("utf-8")).hexdigest()
        if form["sign"] != expected:
            raise Refusal("1001", "签名错误")
        with self.lock:
            if form["nonce"] in self.nonces:
                raise Refusal("1005", "nonce 重复")
            self.nonces.add(form["nonce"])

    def decrypt(self, value: str, field: str) -> str:
        key = self.secret.encode("utf-8")[:16].ljust(16, b"\0")
        try:
            decryptor = Cipher(algorithms.AES(key), modes.CBC(key)).decryptor()
            data = decryptor.update(base64.b64decode(value, validate=True)) + decryptor.finalize()
            unpadder = padding.PKCS7(128).unpadder()
            return (unpadder.update(data) + unpadder.finalize()).decode("utf-8")
        except Exception:
            raise Invalid(f"{field} 解密失败") from None

    # -- the methods ----------------------------------------------------------------------
    def handle(self, method: str, data: dict) -> dict:
        if method == "AsyncHandleResult.Query":
            return self.query(str(data.get("requestSerialCode", "")))
        if method not in METHODS:
            raise Refusal("1006", f"不支持的接口 {method}")
        with self.lock:
            self.serial += 1
            code = f"RSC{self.serial:08d}"
            try:
                records, result = METHODS[method](self, data)
                reason = self._refused(method, records)
                outcome = ("failed", reason, None) if reason else ("success", "", result)
                if not reason:
                    self._accept(method, data, records, result)
            except Invalid as error:
                outcome = ("failed", str(error), None)
            except (KeyError, TypeError, AttributeError, ValueError) as error:
                outcome = ("failed", f"数据格式错误：{error}", None)
            self.requests[code] = {"method": method, "due": time.monotonic() + self.delay,
                                   "outcome": outcome}  # fmt: skip
        return {"requestSerialCode": code}

    def query(self, code: str) -> dict:
        found = self.requests.get(code)
        if found is None:
            raise Refusal("1007", f"requestSerialCode {code} 不存在")
        if time.monotonic() < found["due"]:
            return {"status": "processing"}
        status, reason, result = found["outcome"]
        return {"status": status, "message": reason, "result": result}

    def _refused(self, method: str, records: list[dict]) -> str:
        for rule in self.refusals:
            if rule.get("method") not in (None, method):
                continue
            for record in records:
                if str(record.get(rule["field"])) == str(rule["value"]):
                    return rule.get("reason") or "平台拒绝"
        return ""

    def _accept(self, method: str, data: dict, records: list[dict], result: dict | None) -> None:
        self.records.setdefault(method, []).extend(records)
        if method == "ProjectSubContractor.Add":
            self.participants.add((data["projectCode"], data["corpCode"]))
        if method == "Team.Add" and result:
            self.teams[result["teamSysNo"]] = (data["projectCode"], data["corpCode"], data["teamName"])

    # Each method: (the records it carries, decrypted, for refusals and inspection; its result).
    def participant(self, data: dict):
        _require(data, "projectCode", "corpCode", "corpName", "corpType")
        _code(data["corpType"], "unit_types", "corpType")
        if not re.fullmatch(r"[0-9A-Z]{18}", data["corpCode"]):
            raise Invalid("corpCode 不是统一社会信用代码")
        return [dict(data)], None

    def team(self, data: dict):
        _require(data, "projectCode", "corpCode", "corpName", "teamName")
        if (data["projectCode"], data["corpCode"]) not in self.participants:
            raise Invalid("该参建单位未在项目中登记")
        if any(t == (data["projectCode"], data["corpCode"], data["teamName"]) for t in self.teams.values()):
            raise Invalid("班组名称在该项目该单位下已存在")
        return [dict(data)], {"teamSysNo": f"T{len(self.teams) + 1:06d}"}

    def worker(self, data: dict):
        _require(data, "projectCode", "corpCode", "teamSysNo", "workerList")
        self._team(data)
        records = []
        for i, w in enumerate(data["workerList"], start=1):
            _require(w, "workerName", "idCardType", "idCardNumber", "workType", "payRollBankCardNumber",
                     "payRollTopBankCode", where=f"第{i}条")  # fmt: skip
            records.append(self._person(w, i) | {
                "payRollBankCardNumber": self._card(w["payRollBankCardNumber"], i),
                "workType": _code(w["workType"], "trades", "workType"),
                "payRollTopBankCode": _code(w["payRollTopBankCode"], "banks_codes", "payRollTopBankCode")})
        return records, None

    def entry_exit(self, data: dict):
        _require(data, "projectCode", "corpCode", "teamSysNo", "dataList")
        self._team(data)
        out = []
        for i, e in enumerate(data["dataList"], start=1):
            _require(e, "idCardType", "idCardNumber", "date", "type", where=f"第{i}条")
            _pattern(e["date"], DAY, f"第{i}条 date")
            out.append(self._person(e, i) | {"type": _code(e["type"], "entry_exit", "type")})
        return out, None

    def contract(self, data: dict):
        _require(data, "projectCode", "corpCode", "contractList")
        out = []
        for i, c in enumerate(data["contractList"], start=1):
            _require(c, "idCardType", "idCardNumber", "contractPeriodType", "startDate", where=f"第{i}条")
            _pattern(c["startDate"], DAY, f"第{i}条 startDate")
            if c.get("endDate"):
                _pattern(c["endDate"], DAY, f"第{i}条 endDate")
            out.append(self._person(c, i))
        return out, None

    def attendance(self, data: dict):
        _require(data, "projectCode", "teamSysNo", "dataList")
        self._team(data)
        if not 0 < len(data["dataList"]) <= 20:
            raise Invalid(f"dataList 须为 1–20 条，实为 {len(data['dataList'])} 条")
        out = []
        for i, a in enumerate(data["dataList"], start=1):
            _require(a, "idCardType", "idCardNumber", "date", "direction", where=f"第{i}条")
            _pattern(a["date"], MOMENT, f"第{i}条 date")
            _code(a["direction"], "directions", "direction")
            if "lng" in a or "lat" in a:
                lng, lat = float(a["lng"]), float(a["lat"])
                if not (73 <= lng <= 136 and 3 <= lat <= 54):
                    raise Invalid(f"第{i}条：坐标 {lng},{lat} 不在中国境内（WGS-84）")
            out.append(self._person(a, i))
        return out, None

    def payroll(self, data: dict):
        _require(data, "projectCode", "corpCode", "teamSysNo", "payMonth", "detailList")
        self._team(data)
        _pattern(data["payMonth"], MONTH, "payMonth")
        out = []
        for i, d in enumerate(data["detailList"], start=1):
            _require(d, "idCardType", "idCardNumber", "days", "totalPayAmount", "actualAmount", "isBackPay",
                     "payRollBankCardNumber", "payRollBankCode", where=f"第{i}条")  # fmt: skip
            if str(d["isBackPay"]) not in ("0", "1"):
                raise Invalid(f"第{i}条 isBackPay 须为 0 或 1")
            if float(d["actualAmount"]) > float(d["totalPayAmount"]):
                raise Invalid(f"第{i}条 实发金额大于应发金额")
            out.append(self._person(d, i) | {"payRollBankCardNumber": self._card(d["payRollBankCardNumber"], i)})
        return out, None

    def _team(self, data: dict) -> None:
        if data["teamSysNo"] not in self.teams:
            raise Invalid(f"班组 {data['teamSysNo']} 不存在")

    def _person(self, record: dict, i: int) -> dict:
        _code(record["idCardType"], "id_types", "idCardType")
        number = self.decrypt(record["idCardNumber"], f"第{i}条 idCardNumber")
        if not ID.fullmatch(number):
            raise Invalid(f"第{i}条 idCardNumber 格式错误")
        return {**record, "idCardNumber": number}

    def _card(self, value: str, i: int) -> str:
        card = self.decrypt(value, f"第{i}条 payRollBankCardNumber")
        if not CARD.fullmatch(card):
            raise Invalid(f"第{i}条 payRollBankCardNumber 格式错误")
        return card


CODES["banks_codes"] = {k: k for k in CODES["banks"]}
METHODS = {
    "ProjectSubContractor.Add": Platform.participant, "Team.Add": Platform.team,
    "ProjectWorker.Add": Platform.worker, "WorkerEntryExit.Add": Platform.entry_exit,
    "WorkerContract.Add": Platform.contract, "WorkerAttendance.Add": Platform.attendance,
    "Payroll.Add": Platform.payroll,
}  # fmt: skip


def _require(record: dict, *names: str, where: str = "") -> None:
    missing = [n for n in names if record.get(n) in (None, "", [])]
    if missing:
        raise Invalid(f"{where}缺少必填字段 {', '.join(missing)}")


def _code(value, table: str, field: str) -> str:
    if str(value) not in _values(table):
        raise Invalid(f"{field} 的值 {value} 不在平台字典中")
    return str(value)


def _pattern(value, pattern: re.Pattern, field: str) -> None:
    if not pattern.fullmatch(str(value)):
        raise Invalid(f"{field} 格式错误：{value}")


def serve(platform: Platform, port: int, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def _json(self, status: int, body) -> None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def do_GET(self):
            url = urlparse(self.path)
            if url.path == "/_sim/health":
                return self._json(200, {"ok": True})
            if url.path == "/_sim/records":
                method = dict(parse_qsl(url.query)).get("method")
                with platform.lock:
                    return self._json(200, platform.records.get(method, []) if method else platform.records)
            self._json(404, {"error": "not found"})

        def do_DELETE(self):
            if self.path == "/_sim/refuse":
                platform.refusals.clear()
                return self._json(200, {"refusals": 0})
            self._json(404, {"error": "not found"})

        def do_POST(self):
            if self.path == "/_sim/refuse":
                platform.refusals.append(json.loads(self._body()))
                return self._json(201, {"refusals": len(platform.refusals)})
            if urlparse(self.path).path not in ("/", "/api"):
                return self._json(404, {"error": "not found"})
            form = dict(parse_qsl(self._body().decode("utf-8"), keep_blank_values=True))
            try:
                platform.check_envelope(form)
                try:
                    data = json.loads(form["data"])
                except ValueError:
                    raise Refusal("1008", "data 不是 JSON") from None
                self._json(200, {"code": "0", "message": "success", "data": platform.handle(form["method"], data)})
            except Refusal as refusal:
                self._json(200, {"code": refusal.code, "message": str(refusal)})

    return ThreadingHTTPServer((host, port), Handler)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8091)
    parser.add_argument("--appid", default="zhuxin-demo")
    parser.add_argument("--secret", required=True)
    parser.add_argument("--delay", type=float, default=1.0, help="seconds before an outcome is known")
    args = parser.parse_args()
    server = serve(Platform(args.appid, args.secret, args.delay), args.port)
    print(f"platform simulator on http://127.0.0.1:{args.port}/api (appid {args.appid})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.shutdown()


if __name__ == "__main__":
    main()
