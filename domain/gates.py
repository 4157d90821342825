"""Age and ID gates (沪建质安联〔2019〕346号): who may work on site, and what is flagged.

The one home of these rules. Age and sex come from the resident ID number (GB 11643-1999:
birth date in digits 7–14, sex digit 17, odd = male), on a given Shanghai day:

* under 18 → refused (未满 18 周岁);
* men over 60, women over 50 → refused on site (超龄);
* men over 55, women over 45 in a trade marked high-risk in ``TRADES`` → flagged (a warning);
* the ID card's validity end (身份证有效期至): expired → flagged, within 30 days → flagged.

Registration, acceptance and both sign-in scans refuse; the compile (新增编制) leaves a refused
worker out with the reason; the acceptance page and the registration show the flags.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from domain.errors import Conflict, InvalidInput
from domain.i18n import Text

MIN_AGE = 18
MAX_AGE = {True: 60, False: 50}  # male → oldest age allowed on site
HIGH_RISK_AGE = {True: 55, False: 45}  # male → oldest age without a flag in a high-risk trade
EXPIRY_WARNING_DAYS = 30
# 身份证有效期至 "长期" (a card valid for life) is stored as this date.
LONG_TERM = date(9999, 12, 31)

HEIGHTS = Text("高处作业", "work at heights")
UNDERGROUND = Text("井下/地下作业", "underground work")
HEAT = Text("高温作业", "high-heat work")
HEAVY = Text("重体力劳动", "heavy physical work")


@dataclass(frozen=True)
class Trade:
    """A trade (工种) of the national platform's trade dictionary, with its risk, if any."""

    code: str
    name: str
    en: str
    risk: Text | None = None

    @property
    def high_risk(self) -> bool:
        return self.risk is not None


# A subset of the national platform's trade dictionary (全国建筑工人管理服务信息平台 数据标准,
# 工种字典); the names are what workers and wage lines carry, the code is what the platform takes.
TRADES: tuple[Trade, ...] = (
    Trade("010", "砌筑工", "bricklayer"),
    Trade("020", "钢筋工", "steel fixer", HEAVY),
    Trade("030", "架子工", "scaffolder", HEIGHTS),
    Trade("040", "混凝土工", "concrete worker"),
    Trade("050", "模板工", "formwork carpenter"),
    Trade("060", "机械设备安装工", "machinery installer"),
    Trade("080", "起重工", "rigger", HEIGHTS),
    Trade("110", "管道工", "pipefitter"),
    Trade("130", "电工", "electrician"),
    Trade("180", "建筑起重机械安装拆卸工", "tower-crane erector", HEIGHTS),
    Trade("190", "装饰装修工", "finisher"),
    Trade("210", "建筑门窗幕墙安装工", "curtain-wall installer", HEIGHTS),
    Trade("230", "防水工", "waterproofer", HEAT),
    Trade("240", "木工", "carpenter"),
    Trade("270", "焊工", "welder", HEAT),
    Trade("280", "爆破工", "blaster", UNDERGROUND),
    Trade("290", "隧道工", "tunnel worker", UNDERGROUND),
    Trade("300", "测量放线工", "surveyor"),
    Trade("900", "普工", "general labourer"),
)
TRADE_BY_NAME = {t.name: t for t in TRADES}

UNKNOWN_TRADE = Text("请从工种列表中选择工种：{trade}", "Choose a trade from the list: {trade}")
UNDER_AGE = Text(
    "{name}未满 {min} 周岁（{age} 岁），不得进场作业",
    "{name} is under {min} ({age}) and may not work on site",
)
OVER_AGE = Text(
    "{name}已超过{sex}上岗年龄 {max} 周岁（{age} 岁），不得进场作业",
    "{name} is over the site age limit of {max} for {sex} ({age}) and may not work on site",
)
HIGH_RISK = Text(
    "{name}{age} 岁，超过{sex}从事{risk}的年龄 {max} 周岁，请注意安排",
    "{name} is {age}, over {max} for {sex} in {risk}: take care when assigning",
)
ID_EXPIRED = Text("身份证已过期（有效期至 {until}）", "ID card expired (valid until {until})")
ID_EXPIRING = Text(
    "身份证即将到期（有效期至 {until}）", "ID card expires soon (valid until {until})"
)
BAD_VALIDITY = Text(
    "身份证有效期至应为日期（如 2035-06-30）或“长期”",
    "ID valid until: a date (e.g. 2035-06-30) or 长期 (long-term)",
)
VALIDITY_REQUIRED = Text("请填写身份证有效期至", "ID valid until is required")
MEN, WOMEN = Text("男性", "men"), Text("女性", "women")


def birth_date(id_number: str) -> date:
    """The birth date in digits 7–14 of a checked resident ID number."""
    return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def is_male(id_number: str) -> bool:
    """Sex digit 17 (the last of the sequence number): odd = male."""
    return int(id_number[16]) % 2 == 1


def age_on(id_number: str, day: date) -> int:
    """Age in full years on ``day`` (a 29 February birthday counts from 1 March)."""
    born = birth_date(id_number)
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@dataclass(frozen=True)
class Finding:
    """A gate's verdict: a reason code, its text and the text's parameters."""

    reason: str
    text: Text
    params: dict

    def message(self, lang: str = "zh") -> str:
        return self.text.format(lang, **self.params)


def _who(id_number: str, name: str, day: date) -> dict:
    sex = MEN if is_male(id_number) else WOMEN  # a Text: shown in the message's language
    return {"name": name, "age": age_on(id_number, day), "sex": sex}


def site_refusal(id_number: str, day: date, name: str = "") -> Finding | None:
    """Why this person may not work on site on ``day`` (under 18, over age), or None."""
    who = _who(id_number, name, day)
    if who["age"] < MIN_AGE:
        return Finding("under_age", UNDER_AGE, {**who, "min": MIN_AGE})
    limit = MAX_AGE[is_male(id_number)]
    if who["age"] > limit:
        return Finding("over_age", OVER_AGE, {**who, "max": limit})
    return None


def refusal_in_period(id_number: str, start: date, end: date, name: str = "") -> Finding | None:
    """Refused on some day of the period (age only grows: under age at its start or over age
    at its end)."""
    first = site_refusal(id_number, start, name)
    if first is not None and first.reason == "under_age":
        return first
    last = site_refusal(id_number, end, name)
    return last if last is not None and last.reason == "over_age" else None


def refuse_on_site(id_number: str, day: date, name: str = "", *, field: str | None = None,
                   new: bool = False) -> None:  # fmt: skip
    """Raise the refusal, if any: ``InvalidInput`` for a new registration, else ``Conflict``."""
    finding = site_refusal(id_number, day, name)
    if finding is not None:
        kind = InvalidInput if new else Conflict
        raise kind(finding.reason, finding.text, field=field, **finding.params)


def high_risk_flag(id_number: str, trade: str, day: date, name: str = "") -> Finding | None:
    """Men over 55 / women over 45 in a high-risk trade: a warning, not a refusal."""
    known = TRADE_BY_NAME.get(trade)
    limit = HIGH_RISK_AGE[is_male(id_number)]
    who = _who(id_number, name, day)
    if known is None or known.risk is None or who["age"] <= limit:
        return None
    return Finding("high_risk_age", HIGH_RISK, {**who, "max": limit, "risk": known.risk})


LONG_TERM_LABEL = Text("长期", "long-term")


def validity_label(until: date | None, lang: str = "zh") -> str:
    """身份证有效期至 as shown: a date, 长期, or empty when unknown."""
    if until is None:
        return ""
    return LONG_TERM_LABEL.pick(lang) if until == LONG_TERM else until.isoformat()


def id_validity_flag(until: date | None, day: date) -> Finding | None:
    """Expired, or expiring within 30 days; None when valid or unknown (NULL)."""
    if until is None or until == LONG_TERM:
        return None
    shown = {"until": until.isoformat()}
    if until < day:
        return Finding("id_expired", ID_EXPIRED, shown)
    if until <= day + timedelta(days=EXPIRY_WARNING_DAYS):
        return Finding("id_expiring", ID_EXPIRING, shown)
    return None


def person_flags(person, day: date) -> list[Finding]:
    """Everything to show next to a worker: a site refusal, the high-risk age, the ID validity."""
    found = [
        site_refusal(person.id_number, day, person.name),
        high_risk_flag(person.id_number, person.trade, day, person.name),
        id_validity_flag(person.id_valid_until, day),
    ]
    return [f for f in found if f is not None]


def check_trade(value: str, field: str = "trade") -> str:
    """A trade of the trade table (by name, or by its national code)."""
    v = (value or "").strip()
    by_code = {t.code: t.name for t in TRADES}
    if v in TRADE_BY_NAME or v in by_code:
        return by_code.get(v, v)
    raise InvalidInput("unknown_trade", UNKNOWN_TRADE, field=field, trade=v[:30])


def parse_validity(value: str, field: str = "id_valid_until") -> date:
    """身份证有效期至 as typed: YYYY-MM-DD (or YYYYMMDD, YYYY.MM.DD) or 长期."""
    v = (value or "").strip()
    if not v:
        raise InvalidInput("validity_required", VALIDITY_REQUIRED, field=field)
    if v in ("长期", "long-term", "long term"):
        return LONG_TERM
    digits = v.replace("-", "").replace(".", "").replace("/", "")
    try:
        if len(digits) != 8 or not digits.isascii() or not digits.isdigit():
            raise ValueError(v)
        until = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise InvalidInput("invalid_validity", BAD_VALIDITY, field=field) from None
    if until.year < 1980:
        raise InvalidInput("invalid_validity", BAD_VALIDITY, field=field)
    return until
